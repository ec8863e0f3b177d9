#pragma once
#include "caddyfile/options.hpp"
#include "caddyfile/parser.hpp"

namespace proxflow::caddyfile {

// Caddy's default directive order.
const std::vector<std::string>& default_directive_order();

// Evaluates the global options block (nullptr: none) into options.
Options evaluate_global_options(const ServerBlock* global);

} // namespace proxflow::caddyfile
