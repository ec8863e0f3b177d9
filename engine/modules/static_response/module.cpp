#include "handlers/handler_registry.hpp"
#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor static_response_module() {
    return {.handler = "static_response",
            .build = make_static_response,
            .console = {.label = "Static response",
                        .default_json = {{"status_code", 200}, {"body", "Hello from ProxFlow\n"}}}};
}

} // namespace proxflow
