#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
json parse_copy_response(Helper& h);
json parse_copy_response_headers(Helper& h);
bool write_copy_response(Writer& w, const std::string& m, const json& h, const std::string& path);
bool write_copy_response_headers(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_copy_response(ObjectReader& r, BuildContext& build);
HandlerPtr make_copy_response_headers(ObjectReader& r, BuildContext& build);

ModuleDescriptor copy_response_module() {
    using namespace caddyfile;
    return {.handler = "copy_response",
            .build = make_copy_response,
            .directives = {{"copy_response", handler_directive(parse_copy_response)}},
            .exporters = {{"copy_response", write_copy_response}},
            .console = {.label = "Copy response"}};
}

ModuleDescriptor copy_response_headers_module() {
    using namespace caddyfile;
    return {.handler = "copy_response_headers",
            .build = make_copy_response_headers,
            .directives = {{"copy_response_headers", handler_directive(parse_copy_response_headers)}},
            .exporters = {{"copy_response_headers", write_copy_response_headers}},
            .console = {.label = "Copy response headers"}};
}

} // namespace proxflow
