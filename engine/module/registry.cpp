#include "module/registry.hpp"

#include "modules/module_list.hpp"

namespace proxflow {

#define PROXFLOW_DECLARE_MODULE(name) ModuleDescriptor name##_module();
PROXFLOW_MODULES(PROXFLOW_DECLARE_MODULE)
#undef PROXFLOW_DECLARE_MODULE

const std::vector<ModuleDescriptor>& modules() {
#define PROXFLOW_LIST_MODULE(name) name##_module(),
    static const std::vector<ModuleDescriptor> list{PROXFLOW_MODULES(PROXFLOW_LIST_MODULE)};
#undef PROXFLOW_LIST_MODULE
    return list;
}

const ModuleDescriptor* find_handler_module(std::string_view handler) {
    for (const auto& m : modules())
        if (!m.handler.empty() && m.handler == handler) return &m;
    return nullptr;
}

const MatcherSpec* find_module_matcher(std::string_view name) {
    for (const auto& m : modules())
        for (const auto& matcher : m.matchers)
            if (matcher.name == name) return &matcher;
    return nullptr;
}

const AppSpec* find_module_app(std::string_view name) {
    for (const auto& m : modules())
        for (const auto& app : m.apps)
            if (app.name == name) return &app;
    return nullptr;
}

nlohmann::json handler_catalogue() {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : modules()) {
        if (m.handler.empty() || m.console.label.empty()) continue;
        nlohmann::json def = m.console.default_json;
        def["handler"] = m.handler;
        out.push_back({{"handler", m.handler},
                       {"label", m.console.label},
                       {"runs", m.build != nullptr},
                       {"proxflow_only", m.proxflow_only},
                       {"default", def},
                       {"choices", m.console.choices}});
    }
    return out;
}

} // namespace proxflow
