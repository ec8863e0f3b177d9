#include "modules/rate_limit/distributed.hpp"

#include "modules/rate_limit/redis_sync.hpp"

namespace proxflow::rate_limit {

Distributed make_distributed(const RateLimitConfig& config, const std::string& zone, std::shared_ptr<Limiter> limiter,
                             const std::string& limiter_key, std::shared_ptr<std::atomic<std::uint64_t>> redis_errors,
                             BuildContext& build) {
    const DistributedConfig& d = *config.distributed;
    redis::Options options = redis::Options::from_address(d.redis.address);
    options.password = d.redis.password;
    options.db = d.redis.db;
    options.command_timeout = redis_command_timeout;
    const std::string client_key = "rate_limit " + options.address() + " db " + std::to_string(d.redis.db) + " " + d.redis.password;
    auto client = build.state.get_or_make<redis::Client>(client_key, [&] { return redis::Client::make(build.background.get_executor(), options); });
    auto outage = std::make_shared<RedisOutage>(zone, d.redis.address, d.fail_closed, std::move(redis_errors));

    Distributed out;
    out.fail_closed = d.fail_closed;
    if (d.sync_interval.count() == 0) {
        out.decider = std::make_shared<RedisDecider>(config, zone, std::move(client), std::move(outage));
        return out;
    }
    auto ledger = build.state.get_or_make<SyncLedger>(limiter_key, [] { return std::make_shared<SyncLedger>(); });
    const RedisSync::Settings settings{.zone = zone,
                                       .interval = d.sync_interval,
                                       .ttl = sync_ttl(d.sync_interval, limiter->quota_window()),
                                       .max_keys = static_cast<std::size_t>(config.max_keys)};
    build.tasks.push_back(std::make_shared<RedisSync>(build.background, std::move(limiter), std::move(ledger), std::move(client),
                                                      std::move(outage), settings));
    return out;
}

} // namespace proxflow::rate_limit
