#include "modules/rate_limit/algorithms.hpp"

#include <algorithm>
#include <cmath>

namespace proxflow::rate_limit {
namespace {

constexpr double ns_per_second = 1e9;
constexpr double max_debt = 3600 * ns_per_second; // what others admitted, paid back: an hour of rate at most

Verdict rejected(Nanos retry_after, Nanos reset) {
    return {.kind = Verdict::Kind::reject, .retry_after = std::max<Nanos>(retry_after, 1), .remaining = 0, .reset = reset};
}

} // namespace

TokenBucket::TokenBucket(double rate_per_second, std::int64_t size) : interval_(ns_per_second / rate_per_second), size_(size) {}

Verdict TokenBucket::take(State& s, Nanos now, Admission admission) const {
    const double tolerance = interval_ * static_cast<double>(size_);
    const double next = static_cast<double>(std::max(s.tat, now) - now) + interval_; // how far ahead this request puts the bucket
    const double over = next - tolerance;
    const auto reset = static_cast<Nanos>(std::ceil(next));
    if (over <= 0.5) { // half a nanosecond of slack for the sums' rounding
        s.tat = now + static_cast<Nanos>(std::llround(next));
        return {.kind = Verdict::Kind::allow, .remaining = static_cast<std::int64_t>((tolerance - next) / interval_ + 1e-9), .reset = reset};
    }
    const auto wait = static_cast<Nanos>(std::ceil(over));
    if (admission.may_wait && wait <= admission.max_wait) {
        s.tat = now + static_cast<Nanos>(std::llround(next));
        return {.kind = Verdict::Kind::wait, .wait = wait, .remaining = 0, .reset = reset};
    }
    return rejected(wait, static_cast<Nanos>(std::ceil(next - interval_)));
}

void TokenBucket::charge(State& s, Nanos now, std::uint64_t admitted_elsewhere) const {
    // What others admitted is paid back in full, as if admitted here: the bucket goes into debt, so
    // that together the processes admit the rate, not the rate each. An hour of debt at most.
    const double ahead = static_cast<double>(std::max(s.tat, now) - now) + interval_ * static_cast<double>(admitted_elsewhere);
    s.tat = now + static_cast<Nanos>(std::min(ahead, max_debt));
}

LeakyBucket::LeakyBucket(double rate_per_second, std::int64_t burst) : rate_(rate_per_second), burst_(burst) {}

double LeakyBucket::drained(const State& s, Nanos now) const {
    if (s.fresh) return 0;
    const Nanos elapsed = std::max<Nanos>(now - s.last, 0);
    return s.excess - rate_ * static_cast<double>(elapsed) / ns_per_second;
}

Verdict LeakyBucket::take(State& s, Nanos now, Admission admission) const {
    // nginx: excess = max(0, excess - rate * elapsed + 1); a new key starts at 0.
    const double excess = s.fresh ? 0.0 : std::max(0.0, drained(s, now) + 1.0);
    const double limit = static_cast<double>(burst_);
    const auto empty_in = [&](double e) { return static_cast<Nanos>(std::ceil(e * ns_per_second / rate_)); };
    if (excess > limit + 1e-9) return rejected(static_cast<Nanos>(std::ceil((excess - limit) * ns_per_second / rate_)), empty_in(excess - 1));
    const Nanos wait = admission.may_wait ? empty_in(excess) : 0;
    if (wait > admission.max_wait) return rejected(wait - admission.max_wait, empty_in(excess - 1));
    s = {.excess = excess, .last = now, .fresh = false};
    const auto remaining = static_cast<std::int64_t>(std::floor(limit - excess + 1e-9));
    if (wait > 0) return {.kind = Verdict::Kind::wait, .wait = wait, .remaining = remaining, .reset = empty_in(excess)};
    return {.kind = Verdict::Kind::allow, .remaining = remaining, .reset = empty_in(excess)};
}

void LeakyBucket::charge(State& s, Nanos now, std::uint64_t admitted_elsewhere) const {
    // Paid back in full, as the token bucket's (an hour's worth at most).
    const double excess = std::max(0.0, drained(s, now)) + static_cast<double>(admitted_elsewhere);
    s = {.excess = std::min(excess, rate_ * max_debt / ns_per_second), .last = now, .fresh = false};
}

bool LeakyBucket::idle(const State& s, Nanos now) const { return s.fresh || drained(s, now) <= -1.0; }

SlidingWindow::SlidingWindow(std::int64_t limit, Nanos window) : limit_(static_cast<std::uint32_t>(limit)), window_(window) {}

void SlidingWindow::expire(State& s, Nanos now) const {
    while (s.count > 0 && oldest(s) <= now - window_) {
        s.head = (s.head + 1) % limit_;
        --s.count;
    }
}

void SlidingWindow::push(State& s, Nanos at) const {
    if (!s.ring) s.ring = std::make_unique<Nanos[]>(limit_);
    if (s.count == limit_) {
        s.head = (s.head + 1) % limit_;
        --s.count;
    }
    s.ring[(s.head + s.count) % limit_] = at;
    ++s.count;
}

Verdict SlidingWindow::take(State& s, Nanos now, Admission admission) const {
    expire(s, now);
    if (s.count < limit_) {
        push(s, now);
        return {.kind = Verdict::Kind::allow, .remaining = static_cast<std::int64_t>(limit_ - s.count), .reset = oldest(s) + window_ - now};
    }
    // Full: this request may pass when the oldest admission leaves the window.
    const Nanos passes_at = oldest(s) + window_;
    const Nanos wait = passes_at - now;
    if (admission.may_wait && wait <= admission.max_wait) {
        push(s, passes_at);
        return {.kind = Verdict::Kind::wait, .wait = wait, .remaining = 0, .reset = oldest(s) + window_ - now};
    }
    return rejected(wait, wait);
}

void SlidingWindow::charge(State& s, Nanos now, std::uint64_t admitted_elsewhere) const {
    expire(s, now);
    for (std::uint64_t i = 0; i < std::min<std::uint64_t>(admitted_elsewhere, limit_); ++i) push(s, now);
}

bool SlidingWindow::idle(const State& s, Nanos now) const {
    return s.count == 0 || s.ring[(s.head + s.count - 1) % limit_] <= now - window_;
}

} // namespace proxflow::rate_limit
