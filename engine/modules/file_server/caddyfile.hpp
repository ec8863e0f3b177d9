#pragma once
#include "caddyfile/dispenser.hpp"
#include "module/module.hpp"

#include <vector>

namespace proxflow::file_server {

// The file_server, root and try_files directives, and the exporters that write their handlers back.
std::vector<DirectiveSpec> directives();
std::vector<ExporterSpec> exporters();

// The `file` matcher's line in a named matcher block, and its export (file_matcher_caddyfile.cpp).
void parse_file_matcher(caddyfile::Dispenser& d, nlohmann::json& value);
void write_file_matcher(caddyfile::Writer& w, const nlohmann::json& value, const std::string& path);
// try_files: the directive, and the routes it makes written back as it.
std::vector<caddyfile::ConfigValue> parse_try_files(caddyfile::Helper& h);
std::size_t write_try_files(caddyfile::Writer& w, const nlohmann::json& routes, std::size_t first, const std::string& path);

} // namespace proxflow::file_server
