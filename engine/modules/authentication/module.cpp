#include "caddyfile/writer.hpp"
#include "module/module.hpp"

namespace proxflow {
namespace caddyfile {
json parse_basicauth(Helper& h);
bool write_basicauth(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_authentication(ObjectReader& r, BuildContext& build);

ModuleDescriptor authentication_module() {
    using namespace caddyfile;
    return {.handler = "authentication",
            .build = make_authentication,
            .directives = {{"basicauth", handler_directive(parse_basicauth)}},
            .exporters = {{"authentication", write_basicauth}},
            .console = {.label = "Basic authentication",
                        .default_json = {{"providers", {{"http_basic", {{"hash", {{"algorithm", "bcrypt"}}}, {"hash_cache", json::object()}}}}}},
                        .choices = {{"algorithm", {"bcrypt", "scrypt"}}}}};
}

} // namespace proxflow
