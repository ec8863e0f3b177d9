#pragma once
// Distributed limits with sync_interval 0: every decision is one atomic script in Redis, which holds
// each key's state and reads Redis' own clock, so all processes sharing the Redis share one exact
// limit, at the price of a round trip per request.
#include "http/beast.hpp"
#include "modules/rate_limit/algorithms.hpp"
#include "modules/rate_limit/rate_limit_config.hpp"
#include "modules/rate_limit/redis_outage.hpp"
#include "redis/client.hpp"

#include <memory>
#include <optional>
#include <string>

namespace proxflow::rate_limit {

class RedisDecider {
public:
    RedisDecider(const RateLimitConfig& config, const std::string& zone, std::shared_ptr<redis::Client> client,
                 std::shared_ptr<RedisOutage> outage);

    // Decides one request of key, from any thread (the request's). std::nullopt when Redis failed:
    // the caller decides with its local limiter (fail open) or refuses (fail_closed).
    awaitable<std::optional<Verdict>> take(std::string key, Admission admission) const;
    // The same at a time of the caller's (ns) instead of Redis' clock: tests compare it with the local algorithm.
    awaitable<std::optional<Verdict>> take_at(std::string key, Admission admission, Nanos now) const;

    // Where a key's state is kept: proxflow:rate_limit_state:<algorithm>:<zone>:<key>.
    std::string redis_key(std::string_view key) const { return prefix_ + std::string(key); }

private:
    awaitable<std::optional<Verdict>> decide(std::string key, Admission admission, std::string now) const;

    std::shared_ptr<redis::Client> client_;
    std::shared_ptr<RedisOutage> outage_;
    std::shared_ptr<const redis::Script> script_;
    std::string prefix_;
    std::string first_, second_; // the algorithm's two parameters, written exactly
};

} // namespace proxflow::rate_limit
