#include "handlers/handler_registry.hpp"
#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor copy_response_module() {
    return {.handler = "copy_response", .build = make_copy_response, .console = {.label = "Copy response"}};
}

} // namespace proxflow
