#pragma once
// The `rate_limit` handler's config: one struct per JSON object, one round trip (from_json validates
// and names the JSON path of what is wrong; to_json writes only what differs from the defaults).
#include "config/object_reader.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace proxflow {

// A rate as written: "10" (per second), "600/m", "10/s", "3600/h". Kept as written so that an export
// says what the operator wrote, not 0.1666…/s.
struct Rate {
    double requests = 0;
    std::chrono::nanoseconds per = std::chrono::seconds(1);

    double per_second() const { return requests * 1e9 / static_cast<double>(per.count()); }
    // "10", "600/m"; throws std::invalid_argument with a message for anything else, or a rate <= 0.
    static Rate parse(std::string_view text);
    std::string text() const;
    bool operator==(const Rate&) const = default;
};

struct RedisEndpointConfig {
    std::string address = "localhost:6379"; // host:port; [v6]:port
    std::string password;
    int db = 0;
    bool operator==(const RedisEndpointConfig&) const = default;
};

// Limits shared by several ProxFlow processes through one Redis.
struct DistributedConfig {
    RedisEndpointConfig redis;
    // Each process decides locally and exchanges counts every interval; 0 decides every request in Redis.
    std::chrono::nanoseconds sync_interval = std::chrono::seconds(30);
    // While Redis cannot be reached: false lets requests through under the local limit.
    bool fail_closed = false;
    bool operator==(const DistributedConfig&) const = default;
};

struct RateLimitConfig {
    enum class Algorithm { token_bucket, leaky_bucket, sliding_window };

    std::string zone;                        // "" = named by position (rate_limit0, rate_limit1 ...)
    Algorithm algorithm = Algorithm::token_bucket;
    Rate rate;                               // required
    std::optional<std::int64_t> burst;       // token bucket: its size (default: one second of rate, at least 1);
                                             // leaky bucket: how many may wait (default 0)
    std::optional<std::chrono::nanoseconds> window; // sliding window only (default 1s)
    // "ip" (Caddy's client_ip), "user" ({http.auth.user.id}), "api_key", or any text with placeholders
    // ("{http.request.header.X-Tenant}"). An empty key falls back to the client IP.
    std::string key = "ip";
    std::string api_key_header = "X-API-Key"; // key api_key: this header, else a Bearer token, else
    std::string api_key_query = "api_key";    // this query argument
    std::string reject = "429";              // a status (400-599), "delay" or "drop"
    std::chrono::nanoseconds max_delay = std::chrono::seconds(5); // delay: longest wait; past it, 429
    std::int64_t max_keys = 1'000'000;       // keys tracked at once; past it the least recent is evicted
    std::optional<DistributedConfig> distributed;

    bool operator==(const RateLimitConfig&) const = default;

    // Reads the handler object; reader is on it ("handler" already read). Errors name JSON paths.
    static RateLimitConfig from_json(ObjectReader& reader);
    json to_json() const; // without "handler"

    std::int64_t bucket_size() const;    // the token bucket's size, or leaky bucket's queue, as applied
    std::chrono::nanoseconds window_length() const { return window.value_or(std::chrono::seconds(1)); }
    // The sliding window's limit: rate x window, at least 1.
    std::int64_t window_limit() const;
    bool delays() const { return reject == "delay"; }
    bool drops() const { return reject == "drop"; }
    unsigned reject_status() const; // 429 unless reject names another status
};

std::string_view algorithm_name(RateLimitConfig::Algorithm a);

} // namespace proxflow
