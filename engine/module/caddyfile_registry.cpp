// The module list as the Caddyfile adapter and exporter see it: caddyfile/ declares what it needs
// of modules (caddyfile/directives.hpp, caddyfile/exporter.hpp) and this file supplies it, so the
// Caddyfile layer sits below module/ and does not include it.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/matchers.hpp"
#include "caddyfile/options.hpp"
#include "module/registry.hpp"

namespace proxflow::caddyfile {

const std::vector<ModuleDirective>& module_directives() {
    static const std::vector<ModuleDirective> list = [] {
        std::vector<ModuleDirective> out;
        for (const auto& module : modules())
            for (const auto& directive : module.directives)
                out.push_back({directive.name, directive.parse, directive.order_after});
        return out;
    }();
    return list;
}

bool write_module_handler(Writer& w, const std::string& matcher, const nlohmann::json& handler, const std::string& path) {
    const std::string name = handler.value("handler", "");
    for (const auto& module : modules())
        for (const auto& exporter : module.exporters)
            if (exporter.handler == name && exporter.write(w, matcher, handler, path)) return true;
    return false;
}

std::size_t write_module_routes(Writer& w, const nlohmann::json& routes, std::size_t first, const std::string& path) {
    for (const auto& module : modules())
        for (const auto& write : module.route_exporters)
            if (const std::size_t written = write(w, routes, first, path)) return written;
    return 0;
}

bool parse_module_matcher(const std::string& type, Dispenser& d, nlohmann::json& value) {
    const MatcherSpec* spec = find_module_matcher(type);
    if (!spec || !spec->parse) return false;
    spec->parse(d, value);
    return true;
}

bool write_module_matcher(Writer& w, const std::string& type, const nlohmann::json& value, const std::string& path) {
    const MatcherSpec* spec = find_module_matcher(type);
    if (!spec || !spec->write) return false;
    spec->write(w, value, path);
    return true;
}

bool parse_module_global_option(const std::string& name, Dispenser& d, nlohmann::json& apps) {
    const AppSpec* app = find_module_app(name);
    if (!app || !app->parse_global) return false;
    apps[name] = app->parse_global(d);
    return true;
}

std::optional<std::vector<std::string>> write_module_app(const std::string& name, const nlohmann::json& app,
                                                         const std::string& path) {
    const AppSpec* spec = find_module_app(name);
    if (!spec || !spec->write_global) return std::nullopt;
    return spec->write_global(app, path);
}

} // namespace proxflow::caddyfile
