#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
json parse_request_body(Helper& h);
bool write_request_body(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_request_body(ObjectReader& r, BuildContext& build);

ModuleDescriptor request_body_module() {
    using namespace caddyfile;
    return {.handler = "request_body",
            .build = make_request_body,
            .directives = {{"request_body", handler_directive(parse_request_body)}},
            .exporters = {{"request_body", write_request_body}},
            .console = {.label = "Request body"}};
}

} // namespace proxflow
