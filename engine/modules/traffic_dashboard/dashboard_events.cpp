#include "modules/traffic_dashboard/dashboard_events.hpp"

#include <nlohmann/json.hpp>

namespace proxflow {
namespace {

// Requests rate limits turned away so far (429s and drops), from the family the rate_limit module
// declares; 0 when no config has a rate limit. The page turns successive totals into a rate.
std::uint64_t rate_limited(const metrics::Snapshot& snap) {
    std::uint64_t total = 0;
    for (const auto& family : snap.families) {
        if (family.name != "proxflow_rate_limit_requests_total") continue;
        for (const auto& [labels, value] : family.counters)
            for (const auto& [name, label] : labels)
                if (name == "result" && (label == "rejected" || label == "dropped")) total += value;
    }
    return total;
}

} // namespace

std::string tick_event(const metrics::Snapshot& snap, std::int64_t history_through_second) {
    nlohmann::json countries = nlohmann::json::array();
    for (const auto& c : snap.countries)
        countries.push_back({{"code", c.code}, {"continent", c.continent}, {"requests", c.requests}, {"mean_latency_ms", c.mean_latency_ms}});
    const nlohmann::json data{
        {"t", snap.taken_unix_ms},
        {"requests", snap.requests},
        {"status_classes", snap.status_classes},
        {"bytes_in", snap.bytes_in},
        {"bytes_out", snap.bytes_out},
        {"active_connections", snap.active_connections},
        {"active_requests", snap.active_requests},
        {"rps", snap.last_1s.requests_per_second},
        {"errors_per_second", snap.last_1s.errors_per_second},
        {"rps_10s", snap.last_10s.requests_per_second},
        {"errors_per_second_10s", snap.last_10s.errors_per_second},
        {"p50_ms", snap.last_10s.p50_ms},
        {"p95_ms", snap.last_10s.p95_ms},
        {"p99_ms", snap.last_10s.p99_ms},
        {"rate_limited", rate_limited(snap)},
        {"countries", countries},
    };
    return "id: " + std::to_string(history_through_second * 1000) + "\nevent: tick\ndata: " + data.dump() + "\n\n";
}

std::string point_event(const metrics::SeriesPoint& p) {
    const nlohmann::json data{{"second", p.unix_second}, {"requests", p.requests}, {"errors", p.errors},
                              {"p50_ms", p.p50_ms},      {"p95_ms", p.p95_ms},     {"p99_ms", p.p99_ms}};
    return "id: " + std::to_string(p.unix_second * 1000) + "\nevent: point\ndata: " + data.dump() + "\n\n";
}

} // namespace proxflow
