#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
json parse_traffic_dashboard(Helper& h);
bool write_traffic_dashboard(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_traffic_dashboard(ObjectReader& r, BuildContext& build);

ModuleDescriptor traffic_dashboard_module() {
    using namespace caddyfile;
    return {.handler = "traffic_dashboard",
            .build = make_traffic_dashboard,
            .directives = {{"traffic_dashboard", handler_directive(parse_traffic_dashboard), "templates"}},
            .exporters = {{"traffic_dashboard", write_traffic_dashboard}},
            .console = {.label = "Traffic dashboard"},
            .proxflow_only = true};
}

} // namespace proxflow
