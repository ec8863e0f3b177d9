#pragma once
// One zone's limit: the keys it tracks and the algorithm that admits their requests, shared by every
// engine thread (one limit, not one per thread). Kept in the engine's UsagePool, so a reload that
// keeps the zone's settings keeps its counts.
#include "modules/rate_limit/algorithms.hpp"
#include "modules/rate_limit/rate_limit_config.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxflow::rate_limit {

// The steady clock in nanoseconds, the local limiter's time.
Nanos steady_now();

class Limiter {
public:
    virtual ~Limiter() = default;
    // Decides one request of key at now (steady_now() on the request path).
    virtual Verdict take(std::string_view key, Admission admission, Nanos now) = 0;
    // Counts requests of key that other processes admitted (distributed sync), as if admitted here at now.
    virtual void charge(std::string_view key, std::uint64_t admitted_elsewhere, Nanos now) = 0;
    // The requests admitted here per key since the last drain (what a sync reports to Redis); kept
    // only for a distributed zone.
    virtual std::vector<std::pair<std::string, std::uint64_t>> drain_admitted() = 0;
    // Forgets keys whose state is back at rest (a full bucket, an empty window).
    virtual void sweep(Nanos now) = 0;

    virtual std::size_t keys() const = 0;
    std::uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }
    // The IETF RateLimit-Policy quota and window (seconds) of this limit.
    virtual std::int64_t quota() const = 0;
    virtual Nanos quota_window() const = 0;

protected:
    std::atomic<std::uint64_t> evictions_{0};
};

std::shared_ptr<Limiter> make_limiter(const RateLimitConfig& config);

} // namespace proxflow::rate_limit
