#include "metrics/snapshot.hpp"
#include "module/usage_pool.hpp"
#include "modules/reverse_proxy/upstream.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

namespace proxflow {

using json = nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

// What a breaker and an adaptive policy know of host, into stats; untouched when neither watches it.
void read_resilience(const UpstreamHost& host, metrics::UpstreamStats& stats) {
    const CircuitState& c = host.circuit;
    if (c.watchers.load(std::memory_order_relaxed) > 0) {
        const auto now = Clock::now();
        auto phase = c.phase.load(std::memory_order_acquire);
        const auto since = Clock::time_point(Clock::duration(c.since_ns.load(std::memory_order_relaxed)));
        // An open circuit turns half-open on the next request that considers it; without traffic
        // the report says what that request will find.
        if (phase == CircuitPhase::open && now - since >= std::chrono::nanoseconds(c.recovery_ns.load(std::memory_order_relaxed)))
            phase = CircuitPhase::half_open;
        const auto totals = c.window.totals(now);
        stats.circuit_state = std::string(phase_name(phase));
        stats.failure_rate = totals.failure_rate();
        stats.window_requests = totals.attempts;
        stats.ramp_share = 1;
        if (phase == CircuitPhase::ramp_up) {
            const auto ramp = std::chrono::nanoseconds(c.ramp_ns.load(std::memory_order_relaxed));
            stats.ramp_share = ramp_share(now - since, ramp);
        } else if (phase != CircuitPhase::closed) {
            stats.ramp_share = 0;
        }
    }
    const LoadHistory& load = host.load;
    if (load.watchers.load(std::memory_order_relaxed) > 0) {
        stats.predicted_load_ms = load.predicted_ms.load(std::memory_order_relaxed);
        // An open circuit gets no requests whatever its weight at the last update.
        stats.weight = stats.circuit_state == "open" ? 0.0 : load.weight.load(std::memory_order_relaxed);
    }
}

std::string rfc3339_ms(std::int64_t unix_ms) {
    const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(unix_ms % 1000));
    return text;
}

} // namespace

// GET /reverse_proxy/upstreams, as Caddy answers it: each upstream host the running configs dial,
// with what ProxFlow's circuit breaker and adaptive policy know of it when they watch it.
json upstreams_status(const UsagePool& state) {
    json out = json::array();
    for (const auto& host : state.all<UpstreamHost>()) {
        json entry = {{"address", host->dial},
                      {"num_requests", host->active_requests.load()},
                      {"fails", host->fails.load()},
                      {"healthy", host->healthy()}};
        metrics::UpstreamStats stats;
        read_resilience(*host, stats);
        if (!stats.circuit_state.empty()) {
            entry["circuit_state"] = stats.circuit_state;
            entry["failure_rate"] = stats.failure_rate;
            entry["window_requests"] = stats.window_requests;
            entry["ramp_share"] = stats.ramp_share;
        }
        if (host->load.watchers.load(std::memory_order_relaxed) > 0) {
            entry["predicted_load_ms"] = stats.predicted_load_ms < 0 ? json(nullptr) : json(stats.predicted_load_ms);
            entry["weight"] = stats.weight < 0 ? json(nullptr) : json(stats.weight);
        }
        out.push_back(std::move(entry));
    }
    return out;
}

// GET /reverse_proxy/circuit_events: the latest circuit transitions, oldest first.
json circuit_events_status(const UsagePool& state) {
    json out = json::array();
    for (const auto& log : state.all<CircuitEventLog>())
        for (const auto& e : log->latest())
            out.push_back({{"time", rfc3339_ms(e.unix_ms)}, {"upstream", e.upstream}, {"from", e.from}, {"to", e.to}, {"reason", e.reason}});
    return out;
}

void add_upstreams_to_snapshot(const UsagePool& state, metrics::Snapshot& snap) {
    metrics::FamilySample transitions{"proxflow_reverse_proxy_upstream_circuit_transitions_total",
                                      "Circuit breaker transitions per upstream, by the state entered.", {}};
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
        read_resilience(*host, stats);
        if (!stats.circuit_state.empty())
            for (const CircuitPhase phase : circuit_phases)
                transitions.counters.push_back({{{"upstream", host->dial}, {"to", std::string(phase_name(phase))}},
                                                host->circuit.transitions_to[static_cast<std::size_t>(phase)].load(std::memory_order_relaxed)});
        snap.upstreams.push_back(std::move(stats));
    }
    if (!transitions.counters.empty()) snap.families.push_back(std::move(transitions));
    for (const auto& log : state.all<CircuitEventLog>()) {
        auto events = log->latest();
        snap.circuit_events.insert(snap.circuit_events.end(), events.begin(), events.end());
    }
}

} // namespace proxflow
