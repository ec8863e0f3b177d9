#include "handlers/handler_registry.hpp"
#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor encode_module() {
    return {.handler = "encode", .build = make_encode, .console = {.label = "Encode"}};
}

} // namespace proxflow
