#include "handlers/handler_registry.hpp"
#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor rewrite_module() {
    return {.handler = "rewrite", .build = make_rewrite, .console = {.label = "Rewrite"}};
}

} // namespace proxflow
