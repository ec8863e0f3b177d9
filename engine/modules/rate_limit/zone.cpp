#include "modules/rate_limit/zone.hpp"

#include "metrics/snapshot.hpp"
#include "module/usage_pool.hpp"

namespace proxflow::rate_limit {

std::shared_ptr<ZoneCounters> zone_counters(UsagePool& pool, const std::string& zone) {
    return pool.get_or_make<ZoneCounters>(zone, [&] { return std::make_shared<ZoneCounters>(zone); });
}

std::string limiter_key(const std::string& zone, const RateLimitConfig& config) {
    // The settings that shape the state: a reload that keeps them keeps every key's count.
    const nlohmann::json shape = {{"algorithm", algorithm_name(config.algorithm)}, {"rate", config.rate.per_second()},
                                  {"burst", config.bucket_size()}, {"window", config.window_length().count()},
                                  {"max_keys", config.max_keys}, {"distributed", config.distributed.has_value()}};
    return zone + " " + shape.dump();
}

std::shared_ptr<Limiter> zone_limiter(UsagePool& pool, const std::string& zone, const RateLimitConfig& config) {
    return pool.get_or_make<Limiter>(limiter_key(zone, config), [&] { return make_limiter(config); });
}

nlohmann::json zones_status(const UsagePool& pool) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& z : pool.all<ZoneCounters>()) {
        const auto limiter = z->limiter.load();
        out.push_back({{"zone", z->zone},
                       {"allowed", z->allowed.load()},
                       {"rejected", z->rejected.load()},
                       {"delayed", z->delayed.load()},
                       {"dropped", z->dropped.load()},
                       {"keys", limiter ? limiter->keys() : 0},
                       {"evictions", limiter ? limiter->evictions() : 0},
                       {"redis_errors", z->redis_errors.load()}});
    }
    return out;
}

void add_zones_to_snapshot(const UsagePool& pool, metrics::Snapshot& snap) {
    const auto zones = pool.all<ZoneCounters>();
    if (zones.empty()) return;
    metrics::FamilySample requests{"proxflow_rate_limit_requests_total", "Requests a rate limit decided, by zone and result.", {}};
    metrics::FamilySample keys{"proxflow_rate_limit_keys", "Keys a rate-limit zone tracks now.", {}, "gauge"};
    metrics::FamilySample evictions{"proxflow_rate_limit_evictions_total", "Keys evicted before they were at rest because the zone was full.", {}};
    metrics::FamilySample redis{"proxflow_rate_limit_redis_errors_total", "Failed Redis syncs and decisions of a distributed zone.", {}};
    for (const auto& z : zones) {
        const metrics::Labels zone{{"zone", z->zone}};
        for (const auto& [result, value] : {std::pair{"allowed", &z->allowed}, {"rejected", &z->rejected}, {"delayed", &z->delayed}, {"dropped", &z->dropped}}) {
            metrics::Labels labels = zone;
            labels.emplace_back("result", result);
            requests.counters.emplace_back(std::move(labels), value->load(std::memory_order_relaxed));
        }
        const auto limiter = z->limiter.load();
        keys.counters.emplace_back(zone, limiter ? limiter->keys() : 0);
        evictions.counters.emplace_back(zone, limiter ? limiter->evictions() : 0);
        redis.counters.emplace_back(zone, z->redis_errors.load(std::memory_order_relaxed));
    }
    for (auto* f : {&requests, &keys, &evictions, &redis}) snap.families.push_back(std::move(*f));
}

} // namespace proxflow::rate_limit
