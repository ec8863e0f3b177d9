// The fuzzer drives every module's Caddyfile face (parse and export), never a handler's runtime:
// each descriptor's factory (and a module matcher's) is defined here as one that refuses, so the
// fuzzer links the module list without the engine's runtime. A module added to the list without a
// line here fails the fuzzer's link, not silently.
#include "module/handler.hpp"
#include "metrics/snapshot.hpp"
#include "module/usage_pool.hpp"
#include "modules/file_server/file_matcher.hpp"
#include "modules/rate_limit/zone.hpp"

#include <stdexcept>

namespace proxflow {

#define PROXFLOW_ABSENT_RUNTIME(name) \
    HandlerPtr make_##name(ObjectReader&, BuildContext&) { throw std::logic_error(#name "'s runtime is not in the fuzzer"); }

PROXFLOW_ABSENT_RUNTIME(static_response)
PROXFLOW_ABSENT_RUNTIME(headers)
PROXFLOW_ABSENT_RUNTIME(rewrite)
PROXFLOW_ABSENT_RUNTIME(file_server)
PROXFLOW_ABSENT_RUNTIME(vars)
PROXFLOW_ABSENT_RUNTIME(subroute)
PROXFLOW_ABSENT_RUNTIME(reverse_proxy)
PROXFLOW_ABSENT_RUNTIME(copy_response)
PROXFLOW_ABSENT_RUNTIME(copy_response_headers)
PROXFLOW_ABSENT_RUNTIME(traffic_dashboard)
PROXFLOW_ABSENT_RUNTIME(encode)
PROXFLOW_ABSENT_RUNTIME(map)
PROXFLOW_ABSENT_RUNTIME(request_body)
PROXFLOW_ABSENT_RUNTIME(metrics)
PROXFLOW_ABSENT_RUNTIME(error)
PROXFLOW_ABSENT_RUNTIME(authentication)
PROXFLOW_ABSENT_RUNTIME(rate_limit)

std::shared_ptr<const void> build_traffic_metrics(const nlohmann::json*, const std::string&, BuildContext&) {
    throw std::logic_error("traffic_metrics's app is not in the fuzzer");
}

json upstreams_status(const UsagePool&) { throw std::logic_error("reverse_proxy's status is not in the fuzzer"); }
json circuit_events_status(const UsagePool&) { throw std::logic_error("reverse_proxy's status is not in the fuzzer"); }
void add_upstreams_to_snapshot(const UsagePool&, metrics::Snapshot&) {
    throw std::logic_error("reverse_proxy's status is not in the fuzzer");
}

json rate_limit::zones_status(const UsagePool&) { throw std::logic_error("rate_limit's status is not in the fuzzer"); }
void rate_limit::add_zones_to_snapshot(const UsagePool&, metrics::Snapshot&) {
    throw std::logic_error("rate_limit's status is not in the fuzzer");
}

std::unique_ptr<Matcher> file_server::make_file_matcher(const json&, const std::string&) {
    throw std::logic_error("the file matcher's runtime is not in the fuzzer");
}

} // namespace proxflow
