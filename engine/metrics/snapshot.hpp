#pragma once
#include "metrics/counter_family.hpp"
#include "metrics/latency_histogram.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace proxflow::metrics {

// Rates and latency percentiles over the last `seconds` complete seconds.
struct WindowStats {
    int seconds = 0;
    std::uint64_t requests = 0;
    std::uint64_t errors = 0; // 5xx answers
    double requests_per_second = 0;
    double errors_per_second = 0;
    double p50_ms = 0, p95_ms = 0, p99_ms = 0;
};

// One second of traffic, for charts.
struct SeriesPoint {
    std::int64_t unix_second = 0;
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    double p50_ms = 0, p95_ms = 0, p99_ms = 0;
};

struct ServerStats {
    std::string name;
    std::uint64_t requests = 0;
    std::array<std::uint64_t, 5> status_classes{}; // [0] = 1xx ... [4] = 5xx
    HistogramCounts latency;
    std::uint64_t tls_handshake_failures = 0; // servers only: TLS connections closed before a handshake completed
};

struct UpstreamStats {
    std::string address;
    int active_requests = 0;
    int fails = 0;
    bool healthy = true;
    std::uint64_t requests = 0;
    std::uint64_t failures = 0; // dial errors, timeouts, bad gateways
    HistogramCounts latency;    // time to the response header
    // The circuit breaker's view; circuit_state is "" when no breaker watches this upstream, else
    // closed, open, half_open or ramp_up.
    std::string circuit_state;
    double failure_rate = 0;           // failures / attempts in the breaker's sliding window
    std::uint64_t window_requests = 0; // attempts in that window
    double ramp_share = 1;             // ramp_up: the share of its full weight it gets now
    // The adaptive policy's view; negative when no adaptive policy picks this upstream.
    double predicted_load_ms = -1; // predicted mean time to the response header in the next interval
    double weight = -1;            // the share of new requests its prediction earns (0-1)
};

// One circuit breaker transition, for logs, the admin API and the dashboard's latency chart.
struct CircuitEvent {
    std::int64_t unix_ms = 0;
    std::string upstream, from, to;
    std::string reason; // the numbers that caused it: "failure rate 0.62 >= 0.5 over 13 attempts"
};

struct CountryStats {
    std::string code;      // ISO 3166 alpha-2, or "local" for private/loopback clients, "unknown"
    std::string continent; // AF, AN, AS, EU, NA, OC, SA; empty for local and unknown
    std::uint64_t requests = 0;
    std::uint64_t latency_sum_us = 0; // exact, for Prometheus' _sum
    double mean_latency_ms = 0;
};

// A consistent-enough copy of the engine's traffic counters, merged across worker threads without
// stopping them. Built on the caller's thread; holds no references into the engine.
struct Snapshot {
    std::int64_t taken_unix_ms = 0;
    std::uint64_t requests = 0;
    std::array<std::uint64_t, 5> status_classes{};
    std::uint64_t bytes_in = 0, bytes_out = 0;
    std::int64_t active_connections = 0, active_requests = 0;
    std::uint64_t refused_connections = 0; // client connections closed at once: the connection cap was reached
    std::vector<std::int64_t> worker_connections; // open client connections of each engine thread
    WindowStats last_1s, last_10s, last_1m, last_5m;
    std::vector<SeriesPoint> series; // the last 300 seconds, oldest first
    HistogramCounts latency;          // every request since start
    std::vector<ServerStats> servers;
    std::vector<ServerStats> routes;      // a server's top-level routes, named "srv0 routes[2]"
    std::vector<UpstreamStats> upstreams;
    std::vector<CircuitEvent> circuit_events; // the latest transitions, oldest first (at most 100)
    std::vector<CountryStats> countries; // busiest first
    std::vector<FamilySample> families;  // the metric families modules declare
};

} // namespace proxflow::metrics
