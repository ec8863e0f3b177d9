// forward_auth has no handler of its own: its directive makes a reverse_proxy, and its exporter
// recognises that shape before reverse_proxy's own exporter would write it as a reverse_proxy.
#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
DirectiveParser forward_auth_directive();
bool write_forward_auth(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

ModuleDescriptor forward_auth_module() {
    return {.directives = {{"forward_auth", caddyfile::forward_auth_directive()}},
            .exporters = {{"reverse_proxy", caddyfile::write_forward_auth}}};
}

} // namespace proxflow
