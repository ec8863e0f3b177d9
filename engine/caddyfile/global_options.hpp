#pragma once
#include "caddyfile/options.hpp"
#include "caddyfile/parser.hpp"

namespace proxflow::caddyfile {

// Caddy's default directive order.
const std::vector<std::string>& default_directive_order();

// Evaluates the global options block (nullptr: none) into options.
Options evaluate_global_options(const ServerBlock* global);

// apps.events back to the `events` option; ExportError for what it cannot say.
std::vector<std::string> write_events(const nlohmann::json& app, const std::string& path);

} // namespace proxflow::caddyfile
