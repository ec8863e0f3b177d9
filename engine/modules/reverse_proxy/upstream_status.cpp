#include "metrics/snapshot.hpp"
#include "module/usage_pool.hpp"
#include "modules/reverse_proxy/upstream.hpp"

#include <nlohmann/json.hpp>

namespace proxflow {

// GET /reverse_proxy/upstreams, as Caddy answers it: each upstream host the running configs dial.
nlohmann::json upstreams_status(const UsagePool& state) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& host : state.all<UpstreamHost>()) {
        out.push_back({{"address", host->dial},
                       {"num_requests", host->active_requests.load()},
                       {"fails", host->fails.load()},
                       {"healthy", host->healthy()}});
    }
    return out;
}

void add_upstreams_to_snapshot(const UsagePool& state, metrics::Snapshot& snap) {
    for (const auto& host : state.all<UpstreamHost>()) {
        metrics::UpstreamStats stats;
        stats.address = host->dial;
        stats.active_requests = host->active_requests.load(std::memory_order_relaxed);
        stats.fails = host->fails.load(std::memory_order_relaxed);
        stats.healthy = !host->active_unhealthy.load(std::memory_order_relaxed);
        host->counters.for_each([&](const metrics::UpstreamCounters& shard) {
            stats.requests += shard.requests.get();
            stats.failures += shard.failures.get();
            stats.latency.add(shard.latency);
        });
        snap.upstreams.push_back(std::move(stats));
    }
}

} // namespace proxflow
