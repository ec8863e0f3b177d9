#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
DirectiveParser encode_directive();
bool write_encode(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_encode(ObjectReader& r, BuildContext& build);

ModuleDescriptor encode_module() {
    using namespace caddyfile;
    return {.handler = "encode",
            .build = make_encode,
            .directives = {{"encode", encode_directive()}},
            .exporters = {{"encode", write_encode}},
            .console = {.label = "Encode"}};
}

} // namespace proxflow
