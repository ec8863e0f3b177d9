#include "modules/rate_limit/limiter.hpp"
#include "modules/rate_limit/key_table.hpp"

namespace proxflow::rate_limit {
namespace {

template <class Algorithm>
class ZoneLimiter final : public Limiter {
    using State = typename Algorithm::State;

public:
    ZoneLimiter(Algorithm algorithm, std::size_t max_keys, bool counts_admitted)
        : algorithm_(std::move(algorithm)), table_(max_keys), counts_admitted_(counts_admitted) {}

    Verdict take(std::string_view key, Admission admission, Nanos now) override {
        return with(key, now, [&](auto& slot) {
            Verdict v = algorithm_.take(slot.state, now, admission);
            if (counts_admitted_ && v.kind != Verdict::Kind::reject) ++slot.admitted;
            return v;
        });
    }

    void charge(std::string_view key, std::uint64_t admitted_elsewhere, Nanos now) override {
        with(key, now, [&](auto& slot) { algorithm_.charge(slot.state, now, admitted_elsewhere); });
    }

    std::vector<std::pair<std::string, std::uint64_t>> drain_admitted() override { return table_.drain_admitted(); }

    void sweep(Nanos now) override {
        table_.sweep([&](const State& s) { return algorithm_.idle(s, now); });
    }

    std::size_t keys() const override { return table_.size(); }

    std::int64_t quota() const override { return algorithm_.quota(); }
    Nanos quota_window() const override { return algorithm_.quota_window(); }

private:
    template <class Use>
    auto with(std::string_view key, Nanos now, Use use) {
        std::uint64_t evicted = 0;
        const auto count_evictions = [&] {
            if (evicted) evictions_.fetch_add(evicted, std::memory_order_relaxed);
        };
        auto is_idle = [&](const State& s) { return algorithm_.idle(s, now); };
        if constexpr (std::is_void_v<decltype(use(std::declval<typename KeyTable<State>::Slot&>()))>) {
            table_.with(key, use, is_idle, evicted);
            count_evictions();
        } else {
            auto out = table_.with(key, use, is_idle, evicted);
            count_evictions();
            return out;
        }
    }

    const Algorithm algorithm_;
    KeyTable<State> table_;
    const bool counts_admitted_;
};

} // namespace

Nanos steady_now() { return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

std::shared_ptr<Limiter> make_limiter(const RateLimitConfig& c) {
    const auto max_keys = static_cast<std::size_t>(c.max_keys);
    const bool distributed = c.distributed.has_value();
    switch (c.algorithm) {
    case RateLimitConfig::Algorithm::leaky_bucket:
        return std::make_shared<ZoneLimiter<LeakyBucket>>(LeakyBucket(c.rate.per_second(), c.bucket_size()), max_keys, distributed);
    case RateLimitConfig::Algorithm::sliding_window:
        return std::make_shared<ZoneLimiter<SlidingWindow>>(SlidingWindow(c.window_limit(), c.window_length().count()), max_keys, distributed);
    case RateLimitConfig::Algorithm::token_bucket:
        break;
    }
    return std::make_shared<ZoneLimiter<TokenBucket>>(TokenBucket(c.rate.per_second(), c.bucket_size()), max_keys, distributed);
}

} // namespace proxflow::rate_limit
