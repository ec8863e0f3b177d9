#include "modules/reverse_proxy/circuit_breaker_config.hpp"

namespace proxflow {
namespace {

std::string got(const json& value) { return " (got " + value.dump() + ")"; }

std::chrono::nanoseconds positive(ObjectReader& r, const char* key, std::chrono::nanoseconds fallback, bool zero_ok = false) {
    const json written = r.has(key) ? r.raw().at(key) : json();
    const auto value = r.duration(key, fallback);
    if (value.count() < 0 || (!zero_ok && value.count() == 0))
        throw ConfigError(r.path_of(key), std::string(key) + (zero_ok ? " must not be negative" : " must be positive") + got(written));
    return value;
}

int at_least_one(ObjectReader& r, const char* key, int fallback) {
    const auto value = r.integer(key, fallback);
    if (value < 1 || value > 1'000'000'000) throw ConfigError(r.path_of(key), std::string(key) + " must be at least 1" + got(value));
    return static_cast<int>(value);
}

} // namespace

CircuitBreakerConfig CircuitBreakerConfig::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    const std::string type = r.string("type");
    if (type != "intelligent")
        throw ConfigError(r.path_of("type"), type.empty() ? "circuit_breaker needs a type (ProxFlow has \"intelligent\")"
                                                          : "unknown circuit breaker type \"" + type + "\" (ProxFlow has \"intelligent\")");
    CircuitBreakerConfig c;
    c.failure_threshold = r.number("failure_threshold", c.failure_threshold);
    if (!(c.failure_threshold > 0 && c.failure_threshold <= 1))
        throw ConfigError(r.path_of("failure_threshold"), "failure_threshold must be a rate above 0 and at most 1" + got(c.failure_threshold));
    c.recovery_timeout = positive(r, "recovery_timeout", c.recovery_timeout);
    c.half_open_max_requests = at_least_one(r, "half_open_max_requests", c.half_open_max_requests);
    c.latency_threshold = positive(r, "latency_threshold", c.latency_threshold);
    c.min_requests = at_least_one(r, "min_requests", c.min_requests);
    c.evaluation_window = positive(r, "evaluation_window", c.evaluation_window);
    c.ramp_up_duration = positive(r, "ramp_up_duration", c.ramp_up_duration, true);
    if (r.has("failure_status")) {
        c.failure_status = r.integers("failure_status");
        for (std::size_t i = 0; i < c.failure_status.size(); ++i) {
            const int s = c.failure_status[i];
            if (!((s >= 1 && s <= 5) || (s >= 100 && s <= 599)))
                throw ConfigError(index_path(r.path_of("failure_status"), i), "a status code (100-599) or class (1-5) is expected" + got(s));
        }
        if (c.failure_status.empty()) throw ConfigError(r.path_of("failure_status"), "failure_status needs at least one status");
    }
    r.finish();
    return c;
}

json CircuitBreakerConfig::to_json() const {
    const CircuitBreakerConfig defaults;
    json out = {{"type", "intelligent"}};
    if (failure_threshold != defaults.failure_threshold) out["failure_threshold"] = failure_threshold;
    if (recovery_timeout != defaults.recovery_timeout) out["recovery_timeout"] = recovery_timeout.count();
    if (half_open_max_requests != defaults.half_open_max_requests) out["half_open_max_requests"] = half_open_max_requests;
    if (latency_threshold != defaults.latency_threshold) out["latency_threshold"] = latency_threshold.count();
    if (min_requests != defaults.min_requests) out["min_requests"] = min_requests;
    if (evaluation_window != defaults.evaluation_window) out["evaluation_window"] = evaluation_window.count();
    if (ramp_up_duration != defaults.ramp_up_duration) out["ramp_up_duration"] = ramp_up_duration.count();
    if (failure_status != defaults.failure_status) out["failure_status"] = failure_status;
    return out;
}

} // namespace proxflow
