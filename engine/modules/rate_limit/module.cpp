#include "caddyfile/writer.hpp"
#include "module/module.hpp"
#include "modules/rate_limit/zone.hpp"

namespace proxflow {
namespace caddyfile {
json parse_rate_limit(Helper& h);
bool write_rate_limit(Writer& w, const std::string& m, const json& h, const std::string& path);
} // namespace caddyfile

HandlerPtr make_rate_limit(ObjectReader& r, BuildContext& build);

ModuleDescriptor rate_limit_module() {
    using namespace caddyfile;
    return {.handler = "rate_limit",
            .build = make_rate_limit,
            // After the directives that authenticate (basicauth, forward_auth), so `key user` has a user.
            .directives = {{"rate_limit", handler_directive(parse_rate_limit), "forward_auth"}},
            .exporters = {{"rate_limit", write_rate_limit}},
            .console = {.label = "Rate limit",
                        .default_json = {{"rate", 10}},
                        .choices = {{"algorithm", {"token_bucket", "leaky_bucket", "sliding_window"}},
                                    {"key", {"ip", "user", "api_key"}},
                                    {"reject", {"429", "delay", "drop"}}}},
            .status = {.endpoints = {{"/rate_limit/zones", rate_limit::zones_status}}, .add_to_snapshot = rate_limit::add_zones_to_snapshot},
            .proxflow_only = true};
}

} // namespace proxflow
