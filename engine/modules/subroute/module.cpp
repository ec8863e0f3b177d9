#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {

bool write_subroute(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_subroute(ObjectReader& r, BuildContext& build);

ModuleDescriptor subroute_module() {
    using namespace caddyfile;
    return {.handler = "subroute",
            .build = make_subroute,
            .exporters = {{"subroute", write_subroute}},
            .console = {.label = "Subroute"}};
}

} // namespace proxflow
