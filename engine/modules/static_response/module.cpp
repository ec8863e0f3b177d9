#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
json parse_respond(Helper& h);
json parse_abort(Helper& h);
json parse_redir(Helper& h);
bool write_static_response(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_static_response(ObjectReader& r, BuildContext& build);

ModuleDescriptor static_response_module() {
    using namespace caddyfile;
    return {.handler = "static_response",
            .build = make_static_response,
            .directives = {{"respond", handler_directive(parse_respond)}, {"abort", handler_directive(parse_abort)}, {"redir", handler_directive(parse_redir)}},
            .exporters = {{"static_response", write_static_response}},
            .console = {.label = "Static response",
                        .default_json = {{"status_code", 200}, {"body", "Hello from ProxFlow\n"}}}};
}

} // namespace proxflow
