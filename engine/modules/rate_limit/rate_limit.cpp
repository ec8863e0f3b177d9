// `rate_limit`: admits a request when its key is under the zone's limit; past it, answers 429 (or the
// configured status) with Retry-After and the IETF RateLimit fields, holds the request until it may
// pass (delay), or closes the connection without an answer (drop).
#include "http/request_context.hpp"
#include "module/build_context.hpp"
#include "module/handler.hpp"
#include "modules/rate_limit/distributed.hpp"
#include "modules/rate_limit/rate_limit_config.hpp"
#include "modules/rate_limit/request_key.hpp"
#include "modules/rate_limit/zone.hpp"
#include "routing/response_writer.hpp"

#include <optional>

namespace proxflow {
namespace {

using rate_limit::Verdict;

std::string seconds_up(rate_limit::Nanos ns) { return std::to_string(std::max<rate_limit::Nanos>(1, (ns + 999'999'999) / 1'000'000'000)); }

class RateLimit final : public Handler {
public:
    RateLimit(RateLimitConfig config, std::shared_ptr<rate_limit::ZoneCounters> counters, std::shared_ptr<rate_limit::Limiter> limiter,
              rate_limit::Distributed distributed)
        : config_(std::move(config)), key_(config_), admission_{.may_wait = config_.delays(), .max_wait = config_.max_delay.count()},
          counters_(std::move(counters)), limiter_(std::move(limiter)), distributed_(std::move(distributed)),
          policy_("\"" + config_.zone + "\";q=" + std::to_string(limiter_->quota()) + ";w=" + seconds_up(limiter_->quota_window())) {}

    awaitable<bool> handle(RequestContext& ctx) const override {
        const std::string key = key_.of(ctx);
        std::optional<Verdict> decided;
        if (distributed_.decider) {
            // sync_interval 0: Redis decides; without an answer the local limit does, or fail_closed refuses.
            decided = co_await distributed_.decider->take(key, admission_);
            if (!decided && distributed_.fail_closed) {
                counters_->rejected.fetch_add(1, std::memory_order_relaxed);
                co_await write_error(ctx, http::status::service_unavailable);
                co_return true;
            }
        }
        const Verdict verdict = decided ? *decided : limiter_->take(key, admission_, rate_limit::steady_now());
        switch (verdict.kind) {
        case Verdict::Kind::allow:
            counters_->allowed.fetch_add(1, std::memory_order_relaxed);
            co_return false;
        case Verdict::Kind::wait: {
            counters_->delayed.fetch_add(1, std::memory_order_relaxed);
            // The request waits on a timer of its own connection's thread: no thread is held.
            asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::nanoseconds(verdict.wait));
            co_await timer.async_wait(use_nothrow);
            co_return false;
        }
        case Verdict::Kind::reject:
            break;
        }
        if (config_.drops()) {
            counters_->dropped.fetch_add(1, std::memory_order_relaxed);
            ctx.close_connection = true;
            ctx.responded = true;
            error_code ignored;
            ctx.client.socket().shutdown(tcp::socket::shutdown_both, ignored);
            co_return true;
        }
        counters_->rejected.fetch_add(1, std::memory_order_relaxed);
        http::response<http::string_body> res{static_cast<http::status>(config_.reject_status()), 11};
        res.set(http::field::retry_after, seconds_up(verdict.retry_after));
        res.set("RateLimit-Policy", policy_);
        res.set("RateLimit", "\"" + config_.zone + "\";r=0;t=" + seconds_up(verdict.retry_after));
        co_await write_response(ctx, res);
        co_return true;
    }

private:
    RateLimitConfig config_;
    RequestKey key_;
    rate_limit::Admission admission_;
    std::shared_ptr<rate_limit::ZoneCounters> counters_;
    std::shared_ptr<rate_limit::Limiter> limiter_;
    rate_limit::Distributed distributed_;
    std::string policy_;
};

// Idle keys leave their zone's table every few seconds, so memory follows the clients that are
// active, not every client ever seen.
class KeySweeper final : public BackgroundTask {
public:
    KeySweeper(asio::io_context& io, std::shared_ptr<rate_limit::Limiter> limiter) : timer_(io), limiter_(std::move(limiter)) {}
    void start() override { arm(); }
    void stop() override { timer_.cancel(); }

private:
    void arm() {
        timer_.expires_after(std::chrono::seconds(5));
        timer_.async_wait([this](error_code ec) {
            if (ec) return;
            limiter_->sweep(rate_limit::steady_now());
            arm();
        });
    }
    asio::steady_timer timer_;
    std::shared_ptr<rate_limit::Limiter> limiter_;
};

} // namespace

HandlerPtr make_rate_limit(ObjectReader& r, BuildContext& build) {
    RateLimitConfig config = RateLimitConfig::from_json(r);
    if (config.zone.empty()) config.zone = build.name_by_position("rate_limit");
    auto counters = rate_limit::zone_counters(build.state, config.zone);
    auto limiter = rate_limit::zone_limiter(build.state, config.zone, config);
    counters->limiter.store(limiter);
    build.tasks.push_back(std::make_shared<KeySweeper>(build.background, limiter));
    rate_limit::Distributed distributed;
    if (config.distributed) {
        // Counts go to Redis every sync_interval (a background task), or each decision is asked of it.
        std::shared_ptr<std::atomic<std::uint64_t>> redis_errors(counters, &counters->redis_errors);
        distributed = rate_limit::make_distributed(config, config.zone, limiter, rate_limit::limiter_key(config.zone, config),
                                                   std::move(redis_errors), build);
    }
    return std::make_shared<RateLimit>(std::move(config), std::move(counters), std::move(limiter), std::move(distributed));
}

} // namespace proxflow
