#include "handlers/handler_registry.hpp"
#include "module/module.hpp"

namespace proxflow {

ModuleDescriptor traffic_dashboard_module() {
    return {.handler = "traffic_dashboard", .build = make_traffic_dashboard, .console = {.label = "Traffic dashboard"}};
}

} // namespace proxflow
