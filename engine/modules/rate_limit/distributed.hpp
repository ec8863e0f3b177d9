#pragma once
// The Redis side of a zone with `distributed`, made while a config is built: with sync_interval > 0
// a background task that exchanges counts every interval (the handler keeps deciding locally), with
// 0 a decider the handler asks before each request.
#include "module/build_context.hpp"
#include "modules/rate_limit/limiter.hpp"
#include "modules/rate_limit/rate_limit_config.hpp"
#include "modules/rate_limit/redis_decider.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace proxflow::rate_limit {

struct Distributed {
    std::shared_ptr<RedisDecider> decider; // sync_interval 0; null when a sync task was added instead
    bool fail_closed = false;              // when the decider fails: refuse, rather than decide locally
};

// config.distributed must be set. limiter and limiter_key: the zone's limiter and the pool key it is
// kept under (the sync's ledger is kept beside it, so a reload goes on syncing where it was).
// redis_errors counts failed syncs and decisions (an aliasing pointer into the zone's counters keeps
// them alive). The Redis client is shared by every zone naming the same server, password and db.
// Throws std::invalid_argument for a bad redis address.
Distributed make_distributed(const RateLimitConfig& config, const std::string& zone, std::shared_ptr<Limiter> limiter,
                             const std::string& limiter_key, std::shared_ptr<std::atomic<std::uint64_t>> redis_errors,
                             BuildContext& build);

// How long a Redis command may take before the zone goes on without it.
inline constexpr std::chrono::milliseconds redis_command_timeout{500};

} // namespace proxflow::rate_limit
