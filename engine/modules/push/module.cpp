// `push` (HTTP/2 server push): adapts and exports; ProxFlow serves HTTP/1.1, so run refuses it.
#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
json parse_push(Helper& h);
bool write_push(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

ModuleDescriptor push_module() {
    using namespace caddyfile;
    return {.handler = "push",
            .build = nullptr,
            .directives = {{"push", handler_directive(parse_push)}},
            .exporters = {{"push", write_push}},
            .console = {.label = "HTTP/2 push"}};
}

} // namespace proxflow
