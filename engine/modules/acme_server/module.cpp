// `acme_server`: adapts and exports; ProxFlow has no ACME CA of its own, so run refuses it.
#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
std::vector<ConfigValue> parse_acme_server(Helper& h);
bool write_acme_server(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

ModuleDescriptor acme_server_module() {
    using namespace caddyfile;
    return {.handler = "acme_server",
            .build = nullptr,
            .directives = {{"acme_server", parse_acme_server}},
            .exporters = {{"acme_server", write_acme_server}},
            .console = {.label = "ACME server"}};
}

} // namespace proxflow
