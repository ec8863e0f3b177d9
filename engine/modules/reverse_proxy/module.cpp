#include "handlers/handler_registry.hpp"
#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor reverse_proxy_module() {
    return {.handler = "reverse_proxy", .build = make_reverse_proxy, .console = {.label = "Reverse proxy"}};
}

} // namespace proxflow
