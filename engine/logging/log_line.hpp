#pragma once
// The engine's own log lines (certificate management, connection limits), written to stderr as
// Caddy's default JSON logger writes them ({"level","ts","logger","msg", fields...}), so failures
// and retries are visible while the engine keeps serving.
#include <nlohmann/json.hpp>

#include <string_view>

namespace proxflow {

void log_line(std::string_view level, std::string_view logger, std::string_view msg, nlohmann::json fields = nlohmann::json::object());

} // namespace proxflow
