#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
json parse_metrics(Helper& h);
bool write_metrics(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_metrics(ObjectReader& r, BuildContext& build);

ModuleDescriptor metrics_module() {
    using namespace caddyfile;
    return {.handler = "metrics",
            .build = make_metrics,
            .directives = {{"metrics", handler_directive(parse_metrics)}},
            .exporters = {{"metrics", write_metrics}},
            .console = {.label = "Metrics"}};
}

} // namespace proxflow
