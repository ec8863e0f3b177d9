#include "handlers/handler_registry.hpp"
#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor headers_module() {
    return {.handler = "headers", .build = make_headers, .console = {.label = "Headers"}};
}

} // namespace proxflow
