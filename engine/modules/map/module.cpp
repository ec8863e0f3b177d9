#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
DirectiveParser map_directive();
bool write_map(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_map(ObjectReader& r, BuildContext& build);

ModuleDescriptor map_module() {
    using namespace caddyfile;
    return {.handler = "map",
            .build = make_map,
            .directives = {{"map", map_directive()}},
            .exporters = {{"map", write_map}},
            .console = {.label = "Map"}};
}

} // namespace proxflow
