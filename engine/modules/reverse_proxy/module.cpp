#include "handlers/handler_registry.hpp"
#include "module/module.hpp"
#include "proxy/lb_policies.hpp"

namespace proxflow {

ModuleDescriptor reverse_proxy_module() {
    return {.handler = "reverse_proxy",
            .build = make_reverse_proxy,
            .console = {.label = "Reverse proxy",
                        .default_json = {{"upstreams", nlohmann::json::array()}},
                        .choices = {{"selection_policy", selection_policy_names()}}}};
}

} // namespace proxflow
