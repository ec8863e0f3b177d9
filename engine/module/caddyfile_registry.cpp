// The module list as the Caddyfile adapter and exporter see it: caddyfile/ declares what it needs
// of modules (caddyfile/directives.hpp, caddyfile/exporter.hpp) and this file supplies it, so the
// Caddyfile layer sits below module/ and does not include it.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
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

} // namespace proxflow::caddyfile
