#include "handlers/handler_registry.hpp"
#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor subroute_module() {
    return {.handler = "subroute", .build = make_subroute, .console = {.label = "Subroute"}};
}

} // namespace proxflow
