#pragma once
// reverse_proxy's `circuit_breaker` (Caddy's module slot http.reverse_proxy.circuit_breakers), with
// ProxFlow's one type, "intelligent": the thresholds of the per-upstream closed, open, half-open and
// ramp-up states. Fields hold their values with the defaults applied; to_json writes those that differ.
#include "config/object_reader.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace proxflow {

struct CircuitBreakerConfig {
    double failure_threshold = 0.5; // failure rate (0-1] that opens the circuit
    std::chrono::nanoseconds recovery_timeout{std::chrono::seconds(60)}; // open -> half-open
    int half_open_max_requests = 3;                                       // concurrent trials, all must succeed
    std::chrono::nanoseconds latency_threshold{std::chrono::seconds(5)}; // a slower response header is a failure
    int min_requests = 10;                                                // no decision below this many in the window
    std::chrono::nanoseconds evaluation_window{std::chrono::seconds(60)};
    std::chrono::nanoseconds ramp_up_duration{std::chrono::seconds(30)}; // 0: closed right after the trials
    std::vector<int> failure_status{5};                                   // as unhealthy_status: 5 is 5xx

    bool operator==(const CircuitBreakerConfig&) const = default;
    // Throws ConfigError naming the JSON path of the first bad field; "type" must be "intelligent".
    static CircuitBreakerConfig from_json(const json& value, const std::string& path);
    json to_json() const; // with "type"
};

} // namespace proxflow
