#pragma once
// The Lua scripts that decide one request in Redis (sync_interval 0): per algorithm, the arithmetic
// of algorithms.cpp on the key's state kept in Redis, atomically, on Redis' own clock.
//   KEYS[1]  the key's state
//   ARGV[1]  now in nanoseconds, or "" for Redis' TIME
//   ARGV[2]  "1" when the request may wait, ARGV[3] the longest wait (ns)
//   ARGV[4], ARGV[5]  token and leaky bucket: rate per second and size (burst); sliding window: limit and window (ns)
// Answer: {kind (0 allow, 1 wait, 2 reject), wait, retry_after, remaining, reset}, times in ns.
#include "modules/rate_limit/rate_limit_config.hpp"
#include "redis/script.hpp"

#include <memory>

namespace proxflow::rate_limit {

std::shared_ptr<const redis::Script> decision_script(RateLimitConfig::Algorithm algorithm);

} // namespace proxflow::rate_limit
