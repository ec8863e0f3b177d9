#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
std::vector<ConfigValue> parse_header(Helper& h);
std::vector<ConfigValue> parse_request_header(Helper& h);
bool write_headers(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_headers(ObjectReader& r, BuildContext& build);

ModuleDescriptor headers_module() {
    using namespace caddyfile;
    return {.handler = "headers",
            .build = make_headers,
            .directives = {{"header", parse_header}, {"request_header", parse_request_header}},
            .exporters = {{"headers", write_headers}},
            .console = {.label = "Headers"}};
}

} // namespace proxflow
