#include "handlers/handler_registry.hpp"
#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor request_body_module() {
    return {.handler = "request_body", .build = nullptr, .console = {.label = "Request body"}};
}

} // namespace proxflow
