#include "modules/rate_limit/rate_limit_config.hpp"

#include "redis/options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace proxflow {
namespace {

using std::chrono::nanoseconds;

constexpr std::pair<std::string_view, RateLimitConfig::Algorithm> algorithms[] = {
    {"token_bucket", RateLimitConfig::Algorithm::token_bucket},
    {"leaky_bucket", RateLimitConfig::Algorithm::leaky_bucket},
    {"sliding_window", RateLimitConfig::Algorithm::sliding_window},
};

bool is_status(std::string_view text) {
    unsigned code = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
    return ec == std::errc() && end == text.data() + text.size() && code >= 400 && code <= 599;
}

std::chrono::nanoseconds positive_duration(ObjectReader& r, std::string_view key, nanoseconds fallback) {
    const nanoseconds d = r.duration(key, fallback);
    if (d.count() <= 0) throw ConfigError(r.path_of(key), "must be a positive duration");
    return d;
}

RedisEndpointConfig redis_from_json(const json& value, const std::string& path) {
    ObjectReader r(expect_object(value, path), path);
    RedisEndpointConfig c;
    c.address = r.string("address", c.address);
    try {
        redis::Options::from_address(c.address);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(r.path_of("address"), e.what());
    }
    c.password = r.string("password");
    c.db = static_cast<int>(r.integer("db"));
    if (c.db < 0) throw ConfigError(r.path_of("db"), "must not be negative");
    r.finish();
    return c;
}

DistributedConfig distributed_from_json(const json& value, const std::string& path) {
    ObjectReader r(expect_object(value, path), path);
    DistributedConfig c;
    if (const json* redis = r.take("redis")) c.redis = redis_from_json(*redis, r.path_of("redis"));
    c.sync_interval = r.duration("sync_interval", c.sync_interval);
    if (c.sync_interval.count() < 0) throw ConfigError(r.path_of("sync_interval"), "must not be negative");
    c.fail_closed = r.boolean("fail_closed");
    r.finish();
    return c;
}

json distributed_to_json(const DistributedConfig& c) {
    const DistributedConfig defaults;
    json redis = json::object();
    if (c.redis.address != defaults.redis.address) redis["address"] = c.redis.address;
    if (!c.redis.password.empty()) redis["password"] = c.redis.password;
    if (c.redis.db) redis["db"] = c.redis.db;
    json out = json::object();
    if (!redis.empty()) out["redis"] = redis;
    if (c.sync_interval != defaults.sync_interval) out["sync_interval"] = c.sync_interval.count();
    if (c.fail_closed) out["fail_closed"] = true;
    return out;
}

} // namespace

Rate Rate::parse(std::string_view text) {
    Rate rate;
    const auto slash = text.find('/');
    const std::string_view number = text.substr(0, slash);
    const char* end = number.data() + number.size();
    auto [stop, ec] = std::from_chars(number.data(), end, rate.requests);
    if (ec != std::errc() || stop != end || !std::isfinite(rate.requests))
        throw std::invalid_argument("a rate is a number of requests, optionally per s, m or h (10, 600/m), not \"" + std::string(text) + "\"");
    if (slash != std::string_view::npos) {
        const std::string_view unit = text.substr(slash + 1);
        if (unit == "s") rate.per = std::chrono::seconds(1);
        else if (unit == "m") rate.per = std::chrono::minutes(1);
        else if (unit == "h") rate.per = std::chrono::hours(1);
        else throw std::invalid_argument("a rate's unit is s, m or h, not \"" + std::string(unit) + "\"");
    }
    if (rate.requests <= 0) throw std::invalid_argument("the rate must be above 0, not " + std::string(number));
    return rate;
}

std::string Rate::text() const {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, requests);
    std::string number(buf, ec == std::errc() ? end : buf);
    if (per == std::chrono::seconds(1)) return number;
    return number + (per == std::chrono::minutes(1) ? "/m" : "/h");
}

std::string_view algorithm_name(RateLimitConfig::Algorithm a) {
    for (const auto& [name, value] : algorithms)
        if (value == a) return name;
    return "token_bucket";
}

RateLimitConfig RateLimitConfig::from_json(ObjectReader& r) {
    RateLimitConfig c;
    c.zone = r.string("zone");
    if (const json* a = r.take("algorithm")) {
        const std::string name = a->is_string() ? a->get<std::string>() : a->dump();
        const auto* found = std::find_if(std::begin(algorithms), std::end(algorithms), [&](const auto& p) { return p.first == name; });
        if (found == std::end(algorithms))
            throw ConfigError(r.path_of("algorithm"), "unknown algorithm \"" + name + "\" (token_bucket, leaky_bucket or sliding_window)");
        c.algorithm = found->second;
    }
    const json* rate = r.take("rate");
    if (!rate) throw ConfigError(r.path_of("rate"), "a rate is required (requests per second, or 600/m)");
    try {
        if (rate->is_number()) {
            c.rate.requests = rate->get<double>();
            if (c.rate.requests <= 0) throw std::invalid_argument("the rate must be above 0, not " + rate->dump());
        } else if (rate->is_string()) {
            c.rate = Rate::parse(rate->get<std::string>());
        } else {
            throw std::invalid_argument("expected a number or a string such as \"600/m\"");
        }
    } catch (const std::invalid_argument& e) {
        throw ConfigError(r.path_of("rate"), e.what());
    }
    if (r.has("burst")) {
        if (c.algorithm == Algorithm::sliding_window)
            throw ConfigError(r.path_of("burst"), "burst applies to token_bucket and leaky_bucket, not sliding_window (its limit is rate x window)");
        c.burst = r.integer("burst");
        if (*c.burst < 0 || (*c.burst == 0 && c.algorithm == Algorithm::token_bucket))
            throw ConfigError(r.path_of("burst"), c.algorithm == Algorithm::token_bucket ? "a token bucket's size must be at least 1" : "must not be negative");
    }
    if (r.has("window")) {
        if (c.algorithm != Algorithm::sliding_window)
            throw ConfigError(r.path_of("window"), "window applies to sliding_window only");
        c.window = positive_duration(r, "window", {});
    }
    if (c.algorithm == Algorithm::sliding_window && c.window_limit() > 100'000)
        throw ConfigError(r.path_of("rate"), "a sliding window keeps every admission: rate x window is capped at 100000 per key (" +
                                                 std::to_string(c.window_limit()) + " here); a token bucket has no such cost");
    c.key = r.string("key", c.key);
    if (c.key.empty()) throw ConfigError(r.path_of("key"), "must not be empty (ip, user, api_key or a placeholder)");
    c.api_key_header = r.string("api_key_header", c.api_key_header);
    c.api_key_query = r.string("api_key_query", c.api_key_query);
    if (const json* reject = r.take("reject")) {
        c.reject = reject->is_number_integer() ? std::to_string(reject->get<int>()) : reject->is_string() ? reject->get<std::string>() : reject->dump();
        if (c.reject != "delay" && c.reject != "drop" && !is_status(c.reject))
            throw ConfigError(r.path_of("reject"), "expected a status 400-599, \"delay\" or \"drop\", not " + c.reject);
    }
    c.max_delay = positive_duration(r, "max_delay", c.max_delay);
    c.max_keys = r.integer("max_keys", c.max_keys);
    if (c.max_keys < 1) throw ConfigError(r.path_of("max_keys"), "must be at least 1");
    if (const json* d = r.take("distributed")) c.distributed = distributed_from_json(*d, r.path_of("distributed"));
    r.finish();
    return c;
}

json RateLimitConfig::to_json() const {
    const RateLimitConfig defaults;
    json out = json::object();
    if (!zone.empty()) out["zone"] = zone;
    if (algorithm != defaults.algorithm) out["algorithm"] = algorithm_name(algorithm);
    if (rate.per == std::chrono::seconds(1)) out["rate"] = rate.requests;
    else out["rate"] = rate.text();
    if (burst) out["burst"] = *burst;
    if (window) out["window"] = window->count();
    if (key != defaults.key) out["key"] = key;
    if (api_key_header != defaults.api_key_header) out["api_key_header"] = api_key_header;
    if (api_key_query != defaults.api_key_query) out["api_key_query"] = api_key_query;
    if (reject != defaults.reject) out["reject"] = reject;
    if (max_delay != defaults.max_delay) out["max_delay"] = max_delay.count();
    if (max_keys != defaults.max_keys) out["max_keys"] = max_keys;
    if (distributed) out["distributed"] = distributed_to_json(*distributed);
    return out;
}

std::int64_t RateLimitConfig::bucket_size() const {
    if (burst) return *burst;
    if (algorithm == Algorithm::leaky_bucket) return 0;
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(rate.per_second())));
}

std::int64_t RateLimitConfig::window_limit() const {
    const double seconds = static_cast<double>(window_length().count()) / 1e9;
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(rate.per_second() * seconds + 1e-9)));
}

unsigned RateLimitConfig::reject_status() const { return is_status(reject) ? static_cast<unsigned>(std::stoul(reject)) : 429; }

} // namespace proxflow
