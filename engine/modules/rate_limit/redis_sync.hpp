#pragma once
// Distributed limits with sync_interval > 0: each process decides locally, and every interval tells
// Redis what it admitted per key (INCRBY on a counter all processes share) and learns from the
// totals what the others admitted since, which it charges to its own limiter. No request waits for
// Redis; together the processes admit at most the limit plus what one interval lets each admit
// before it hears of the others.
#include "module/periodic_task.hpp"
#include "modules/rate_limit/limiter.hpp"
#include "modules/rate_limit/redis_outage.hpp"
#include "redis/client.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

namespace proxflow::rate_limit {

// Each key's total in Redis as this process last saw it. Kept with the zone's limiter across
// reloads, so the next config's sync goes on from it instead of taking its own past admissions for
// the others'. A key is forgotten when Redis has forgotten it (its counter expired).
class SyncLedger {
public:
    std::size_t keys() const { return totals_.size(); }

private:
    friend class RedisSync;
    std::unordered_map<std::string, std::int64_t> totals_;
    std::atomic<bool> busy_{false}; // an exchange is under way (the old config's, during a reload)
};

class RedisSync final : public PeriodicTask {
public:
    struct Settings {
        std::string zone;
        std::chrono::nanoseconds interval{std::chrono::seconds(30)};
        // How long a counter outlives its last increment (a few intervals, at least a quota window).
        std::chrono::milliseconds ttl{std::chrono::seconds(90)};
        std::size_t max_keys = 1'000'000; // keys the ledger may track
    };

    RedisSync(asio::io_context& io, std::shared_ptr<Limiter> limiter, std::shared_ptr<SyncLedger> ledger,
              std::shared_ptr<redis::Client> client, std::shared_ptr<RedisOutage> outage, Settings settings);

    // One exchange: what was admitted here since the last one goes to Redis, what the others admitted
    // is charged here. false when Redis failed (this interval's admissions are then not shared).
    awaitable<bool> exchange();

    // The counter of key: proxflow:rate_limit:<zone>:<key>.
    std::string redis_key(std::string_view key) const { return prefix_ + std::string(key); }

private:
    awaitable<std::chrono::steady_clock::time_point> round() override;
    void keep_ledger_bounded(const std::unordered_map<std::string, std::uint64_t>& own);

    std::shared_ptr<Limiter> limiter_;
    std::shared_ptr<SyncLedger> ledger_;
    std::shared_ptr<redis::Client> client_;
    std::shared_ptr<RedisOutage> outage_;
    Settings settings_;
    std::string prefix_;
    std::string ttl_;
};

// The counters' lifetime for an interval and a limit's quota window: three intervals, and at least a
// window and an interval, so a counter outlives any admission it may still have to report.
std::chrono::milliseconds sync_ttl(std::chrono::nanoseconds interval, Nanos quota_window);

} // namespace proxflow::rate_limit
