// `templates`: adapts and exports; the engine does not execute Go templates, so run refuses it.
#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
json parse_templates(Helper& h);
bool write_templates(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

ModuleDescriptor templates_module() {
    using namespace caddyfile;
    return {.handler = "templates",
            .build = nullptr,
            .directives = {{"templates", handler_directive(parse_templates)}},
            .exporters = {{"templates", write_templates}},
            .console = {.label = "Templates"}};
}

} // namespace proxflow
