#include "handlers/handler_registry.hpp"
#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor copy_response_headers_module() {
    return {.handler = "copy_response_headers", .build = make_copy_response_headers, .console = {.label = "Copy response headers"}};
}

} // namespace proxflow
