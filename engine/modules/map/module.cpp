#include "handlers/handler_registry.hpp"
#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor map_module() {
    return {.handler = "map", .build = make_map, .console = {.label = "Map"}};
}

} // namespace proxflow
