#pragma once
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace proxflow::caddyfile {

// A part of a JSON config that a Caddyfile cannot say: where it is and why.
struct ExportError : std::runtime_error {
    ExportError(std::string path, const std::string& why) : std::runtime_error(path + ": " + why), path(std::move(path)) {}
    std::string path;
};

struct ExportResult {
    std::string caddyfile;
    std::vector<std::string> warnings; // parts a stock Caddy would not understand (with --target caddy)
};

// One value as one Caddyfile token: bare when it can be, else quoted so Caddy's lexer and `caddy fmt`
// read it back unchanged. Throws ExportError for text no token can hold.
std::string quote(const std::string& value);

class Writer;

// Writes one handler of a route with the first module exporter for its name whose shape matches;
// false when none does. module/caddyfile_registry.cpp defines it from the module list.
// Routes routes[first...] as the one module directive that made them (try_files); how many it wrote, 0: none.
std::size_t write_module_routes(Writer& w, const nlohmann::json& routes, std::size_t first, const std::string& path);
// A module's matcher (file ...) as the lines of a named matcher's block; false when no module has it.
bool write_module_matcher(Writer& w, const std::string& type, const nlohmann::json& value, const std::string& path);
bool write_module_handler(Writer& w, const std::string& matcher, const nlohmann::json& handler, const std::string& path);

// Native JSON to a Caddyfile that adapts back to the same JSON (Caddy's adapter's inverse for
// the directives ProxFlow adapts). for_stock_caddy: ProxFlow-only parts become warnings instead of
// directives. Throws ExportError for what no Caddyfile can express.
ExportResult export_caddyfile(const nlohmann::json& config, bool for_stock_caddy = false);

} // namespace proxflow::caddyfile
