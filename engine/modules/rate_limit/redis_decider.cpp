#include "modules/rate_limit/redis_decider.hpp"

#include "modules/rate_limit/redis_scripts.hpp"

#include <algorithm>
#include <cstdio>

namespace proxflow::rate_limit {
namespace {

// 17 significant digits: the script reads back the very double the local algorithm uses.
std::string exact_decimal(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

} // namespace

RedisDecider::RedisDecider(const RateLimitConfig& config, const std::string& zone, std::shared_ptr<redis::Client> client,
                           std::shared_ptr<RedisOutage> outage)
    : client_(std::move(client)), outage_(std::move(outage)), script_(decision_script(config.algorithm)),
      prefix_("proxflow:rate_limit_state:" + std::string(algorithm_name(config.algorithm)) + ":" + zone + ":") {
    // The parameters make_limiter gives the local algorithm.
    if (config.algorithm == RateLimitConfig::Algorithm::sliding_window) {
        first_ = std::to_string(config.window_limit());
        second_ = std::to_string(config.window_length().count());
    } else {
        first_ = exact_decimal(config.rate.per_second());
        second_ = std::to_string(config.bucket_size());
    }
}

awaitable<std::optional<Verdict>> RedisDecider::take(std::string key, Admission admission) const {
    return decide(std::move(key), admission, "");
}

awaitable<std::optional<Verdict>> RedisDecider::take_at(std::string key, Admission admission, Nanos now) const {
    return decide(std::move(key), admission, std::to_string(now));
}

awaitable<std::optional<Verdict>> RedisDecider::decide(std::string key, Admission admission, std::string now) const {
    // Named vectors: GCC 12 miscompiles braced lists of strings inside a co_await expression.
    std::vector<std::string> keys(1, redis_key(key));
    std::vector<std::string> args;
    args.reserve(5);
    args.push_back(std::move(now));
    args.push_back(admission.may_wait ? "1" : "0");
    args.push_back(std::to_string(admission.max_wait));
    args.push_back(first_);
    args.push_back(second_);
    const redis::Reply reply = co_await client_->eval(script_, std::move(keys), std::move(args));
    const auto& e = reply.elements;
    const bool well_formed = reply.type == redis::Reply::Type::array && e.size() == 5 &&
                             std::all_of(e.begin(), e.end(), [](const redis::Reply& r) { return r.type == redis::Reply::Type::integer; }) &&
                             e[0].integer >= 0 && e[0].integer <= 2;
    if (!well_formed) {
        outage_->failed(reply.is_error() ? reply.str : "unexpected answer from the rate-limit script: " + reply.to_string());
        co_return std::nullopt;
    }
    outage_->succeeded();
    co_return Verdict{.kind = static_cast<Verdict::Kind>(e[0].integer),
                      .wait = e[1].integer,
                      .retry_after = e[2].integer,
                      .remaining = e[3].integer,
                      .reset = e[4].integer};
}

} // namespace proxflow::rate_limit
