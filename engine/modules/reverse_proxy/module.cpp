#include "caddyfile/writer.hpp"
#include "module/module.hpp"
#include "modules/reverse_proxy/caddyfile.hpp"
#include "modules/reverse_proxy/load_balancing_config.hpp"

namespace proxflow {

HandlerPtr make_reverse_proxy(ObjectReader& r, BuildContext& build);
nlohmann::json upstreams_status(const UsagePool& state);
nlohmann::json circuit_events_status(const UsagePool& state);
void add_upstreams_to_snapshot(const UsagePool& state, metrics::Snapshot& snap);

ModuleDescriptor reverse_proxy_module() {
    using namespace caddyfile;
    return {.handler = "reverse_proxy",
            .build = make_reverse_proxy,
            .directives = {{"reverse_proxy", handler_directive([](Helper& h) {
                                return parse_reverse_proxy_segment(h, {{"handler", "reverse_proxy"}});
                            })}},
            .exporters = {{"reverse_proxy",
                           [](Writer& w, const std::string& m, const json& h, const std::string& path) {
                               write_reverse_proxy(w, m, h, path);
                               return true;
                           }}},
            .console = {.label = "Reverse proxy",
                        .default_json = {{"upstreams", nlohmann::json::array()}},
                        .choices = {{"selection_policy", selection_policy_names()}}},
            .status = {.endpoints = {{"/reverse_proxy/upstreams", upstreams_status},
                                     {"/reverse_proxy/circuit_events", circuit_events_status}},
                       .add_to_snapshot = add_upstreams_to_snapshot}};
}

} // namespace proxflow
