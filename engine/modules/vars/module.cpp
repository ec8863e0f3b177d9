#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
std::vector<ConfigValue> parse_vars(Helper& h);
bool write_vars(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_vars(ObjectReader& r, BuildContext& build);

ModuleDescriptor vars_module() {
    using namespace caddyfile;
    return {.handler = "vars",
            .build = make_vars,
            .directives = {{"vars", parse_vars}},
            .exporters = {{"vars", write_vars}},
            .console = {.label = "Variables"}};
}

} // namespace proxflow
