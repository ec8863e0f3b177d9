#include "handlers/handler_registry.hpp"
#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor vars_module() {
    return {.handler = "vars", .build = make_vars, .console = {.label = "Variables"}};
}

} // namespace proxflow
