#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
json parse_uri(Helper& h);
json parse_rewrite(Helper& h);
json parse_method(Helper& h);
bool write_rewrite(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_rewrite(ObjectReader& r, BuildContext& build);

ModuleDescriptor rewrite_module() {
    using namespace caddyfile;
    return {.handler = "rewrite",
            .build = make_rewrite,
            .directives = {{"uri", handler_directive(parse_uri)}, {"rewrite", handler_directive(parse_rewrite)}, {"method", handler_directive(parse_method)}},
            .exporters = {{"rewrite", write_rewrite}},
            .console = {.label = "Rewrite"}};
}

} // namespace proxflow
