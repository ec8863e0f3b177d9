#pragma once
// Certificate management's log lines, written to stderr as Caddy's default JSON logger writes
// them ({"level","ts","logger","msg", fields...}), so failures and retries are visible while the
// engine keeps serving.
#include <nlohmann/json.hpp>

#include <string_view>

namespace proxflow::tls {

void log_tls(std::string_view level, std::string_view logger, std::string_view msg, nlohmann::json fields = nlohmann::json::object());

} // namespace proxflow::tls
