#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
json parse_error(Helper& h);
bool write_error_handler(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_error(ObjectReader& r, BuildContext& build);

ModuleDescriptor error_module() {
    using namespace caddyfile;
    return {.handler = "error",
            .build = make_error,
            .directives = {{"error", handler_directive(parse_error)}},
            .exporters = {{"error", write_error_handler}},
            .console = {.label = "Error", .default_json = {{"status_code", 404}, {"error", "Not found"}}}};
}

} // namespace proxflow
