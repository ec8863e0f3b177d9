#include "modules/rate_limit/redis_scripts.hpp"

namespace proxflow::rate_limit {
namespace {

// Lua numbers are doubles, as the C++ arithmetic is; state is written with 17 digits so it reads back
// exactly. Times from TIME are nanoseconds since 1970 (a double's step there is 256 ns); tests pass
// small times of their own and get the local algorithm's answers to the nanosecond. A key expires
// once its state is at rest, as the local limiter forgets it. replicate_commands lets Redis before 5
// write after TIME; from Redis 7 on it is a no-op.
constexpr const char* lua_prologue = R"lua(
if redis.replicate_commands then redis.replicate_commands() end
local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1e9 + tonumber(t[2]) * 1e3
end
local may_wait = ARGV[2] == '1'
local max_wait = tonumber(ARGV[3])
local function num(x) return string.format('%.17g', x) end
local function ttl_ms(ns) return math.floor(ns / 1e6) + 1 end
local function trunc(x) if x >= 0 then return math.floor(x) end return math.ceil(x) end
local function rejected(retry_after, reset) return {2, 0, math.max(retry_after, 1), 0, reset} end
)lua";

// TokenBucket::take: GCRA, the state is the theoretical arrival time.
constexpr const char* token_bucket_lua = R"lua(
local rate, size = tonumber(ARGV[4]), tonumber(ARGV[5])
local interval = 1e9 / rate
local tat = tonumber(redis.call('GET', KEYS[1])) or 0
local tolerance = interval * size
local ahead = math.max(tat, now) - now + interval
local over = ahead - tolerance
local reset = math.ceil(ahead)
local function admit()
  local new_tat = now + math.floor(ahead + 0.5)
  redis.call('SET', KEYS[1], num(new_tat), 'PX', ttl_ms(new_tat - now))
end
if over <= 0.5 then
  admit()
  return {0, 0, 0, trunc((tolerance - ahead) / interval + 1e-9), reset}
end
local wait = math.ceil(over)
if may_wait and wait <= max_wait then
  admit()
  return {1, wait, 0, 0, reset}
end
return rejected(wait, math.ceil(ahead - interval))
)lua";

// LeakyBucket::take: nginx limit_req's excess, draining at rate.
constexpr const char* leaky_bucket_lua = R"lua(
local rate, burst = tonumber(ARGV[4]), tonumber(ARGV[5])
local saved = redis.call('HMGET', KEYS[1], 'excess', 'last')
local excess = 0
if saved[1] then
  local elapsed = math.max(now - tonumber(saved[2]), 0)
  excess = math.max(0, tonumber(saved[1]) - rate * elapsed / 1e9 + 1)
end
local function empty_in(e) return math.ceil(e * 1e9 / rate) end
if excess > burst + 1e-9 then
  return rejected(math.ceil((excess - burst) * 1e9 / rate), empty_in(excess - 1))
end
local wait = 0
if may_wait then wait = empty_in(excess) end
if wait > max_wait then return rejected(wait - max_wait, empty_in(excess - 1)) end
redis.call('HSET', KEYS[1], 'excess', num(excess), 'last', num(now))
redis.call('PEXPIRE', KEYS[1], ttl_ms((excess + 1) * 1e9 / rate))
local remaining = math.floor(burst - excess + 1e-9)
if wait > 0 then return {1, wait, 0, remaining, empty_in(excess)} end
return {0, 0, 0, remaining, empty_in(excess)}
)lua";

// SlidingWindow::take: a log of the last `limit` admission times, oldest first (in the order admitted).
constexpr const char* sliding_window_lua = R"lua(
local limit, window = tonumber(ARGV[4]), tonumber(ARGV[5])
local key = KEYS[1]
local function oldest() return tonumber(redis.call('LINDEX', key, 0)) end
local count = redis.call('LLEN', key)
local first = oldest()
while count > 0 and first <= now - window do
  redis.call('LPOP', key)
  count = count - 1
  first = oldest()
end
local function push(at)
  if count == limit then
    redis.call('LPOP', key)
    count = count - 1
  end
  redis.call('RPUSH', key, num(at))
  count = count + 1
  redis.call('PEXPIRE', key, ttl_ms(tonumber(redis.call('LINDEX', key, -1)) + window - now))
end
if count < limit then
  push(now)
  return {0, 0, 0, limit - count, oldest() + window - now}
end
local passes_at = first + window
local wait = passes_at - now
if may_wait and wait <= max_wait then
  push(passes_at)
  return {1, wait, 0, 0, oldest() + window - now}
end
return rejected(wait, wait)
)lua";

std::shared_ptr<const redis::Script> with_prologue(const char* body) { return std::make_shared<const redis::Script>(std::string(lua_prologue) + body); }

} // namespace

std::shared_ptr<const redis::Script> decision_script(RateLimitConfig::Algorithm algorithm) {
    static const auto token = with_prologue(token_bucket_lua), leaky = with_prologue(leaky_bucket_lua), sliding = with_prologue(sliding_window_lua);
    switch (algorithm) {
    case RateLimitConfig::Algorithm::leaky_bucket:
        return leaky;
    case RateLimitConfig::Algorithm::sliding_window:
        return sliding;
    case RateLimitConfig::Algorithm::token_bucket:
        break;
    }
    return token;
}

} // namespace proxflow::rate_limit
