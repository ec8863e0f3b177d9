#pragma once
// A rate-limit zone as the engine keeps it across reloads: its counts by result (kept by name, so a
// reload that changes the zone's settings keeps them) and its limiter (kept by name and settings).
#include "modules/rate_limit/limiter.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace proxflow {
class UsagePool;
namespace metrics {
struct Snapshot;
}
} // namespace proxflow

namespace proxflow::rate_limit {

struct ZoneCounters {
    explicit ZoneCounters(std::string zone) : zone(std::move(zone)) {}
    const std::string zone;
    std::atomic<std::uint64_t> allowed{0}, rejected{0}, delayed{0}, dropped{0};
    std::atomic<std::uint64_t> redis_errors{0}; // failed syncs and decisions
    // What the zone's live limiter shows (keys, evictions); replaced when a reload changes its settings.
    std::atomic<std::shared_ptr<const Limiter>> limiter;
};

// The zone's counters and its limiter for these settings, made or found in the pool.
std::shared_ptr<ZoneCounters> zone_counters(UsagePool& pool, const std::string& zone);
// The pool key of the zone's limiter: its name and the settings that shape its state.
std::string limiter_key(const std::string& zone, const RateLimitConfig& config);
std::shared_ptr<Limiter> zone_limiter(UsagePool& pool, const std::string& zone, const RateLimitConfig& config);

// GET /rate_limit/zones: every live zone's counts, keys and evictions.
nlohmann::json zones_status(const UsagePool& pool);
// proxflow_rate_limit_* in the metrics snapshot.
void add_zones_to_snapshot(const UsagePool& pool, metrics::Snapshot& snap);

} // namespace proxflow::rate_limit
