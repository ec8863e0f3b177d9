#include "handlers/handler_registry.hpp"
#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor metrics_module() {
    return {.handler = "metrics", .build = nullptr, .console = {.label = "Metrics"}};
}

} // namespace proxflow
