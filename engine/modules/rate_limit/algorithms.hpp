#pragma once
// The arithmetic of each algorithm for one key: no locking, no clock of its own (times are
// nanoseconds on whatever clock the caller uses), so every rule is tested exactly.
#include <cstdint>
#include <memory>

namespace proxflow::rate_limit {

using Nanos = std::int64_t;

struct Verdict {
    enum class Kind { allow, wait, reject };
    Kind kind = Kind::allow;
    Nanos wait = 0;             // Kind::wait: how long the request waits before it passes
    Nanos retry_after = 0;      // Kind::reject: when a request would pass
    std::int64_t remaining = 0; // requests that would pass at once after this one (RateLimit's r)
    Nanos reset = 0;            // until the whole quota is back (RateLimit's t)
};

// How a request is treated past the limit: rejected, or made to wait up to max_wait.
struct Admission {
    bool may_wait = false;
    Nanos max_wait = 0;
};

// Token bucket as GCRA: a bucket of `size` tokens refilled at `rate` per second is one
// "theoretical arrival time"; a request is admitted while it is at most size/rate ahead of now.
class TokenBucket {
public:
    struct State {
        Nanos tat = 0; // the bucket is full whenever tat <= now
    };
    TokenBucket(double rate_per_second, std::int64_t size);
    Verdict take(State& s, Nanos now, Admission admission) const;
    void charge(State& s, Nanos now, std::uint64_t admitted_elsewhere) const;
    bool idle(const State& s, Nanos now) const { return s.tat <= now; }
    std::int64_t quota() const { return size_; }
    Nanos quota_window() const { return static_cast<Nanos>(interval_ * static_cast<double>(size_)); }

private:
    double interval_; // nanoseconds per token
    std::int64_t size_;
};

// Leaky bucket with nginx limit_req's arithmetic: "excess" drains at `rate` per second and each
// admitted request adds one; past `burst` a request is refused. An admitted request with excess e
// leaves after e/rate seconds when requests are delayed, at once when they are not (nodelay).
class LeakyBucket {
public:
    struct State {
        double excess = 0;
        Nanos last = 0;
        bool fresh = true;
    };
    LeakyBucket(double rate_per_second, std::int64_t burst);
    Verdict take(State& s, Nanos now, Admission admission) const;
    void charge(State& s, Nanos now, std::uint64_t admitted_elsewhere) const;
    bool idle(const State& s, Nanos now) const;
    std::int64_t quota() const { return burst_ + 1; }
    Nanos quota_window() const { return static_cast<Nanos>(static_cast<double>(burst_ + 1) * 1e9 / rate_); }

private:
    double drained(const State& s, Nanos now) const;
    double rate_;
    std::int64_t burst_;
};

// Sliding log: the admission times of the last `limit` requests in a ring; a request passes when the
// oldest of them is at least `window` old, so no window of that length ever holds more than `limit`.
class SlidingWindow {
public:
    struct State {
        std::unique_ptr<Nanos[]> ring; // allocated on first use: limit entries
        std::uint32_t head = 0;        // the oldest entry
        std::uint32_t count = 0;
    };
    SlidingWindow(std::int64_t limit, Nanos window);
    Verdict take(State& s, Nanos now, Admission admission) const;
    void charge(State& s, Nanos now, std::uint64_t admitted_elsewhere) const;
    bool idle(const State& s, Nanos now) const;
    std::int64_t quota() const { return limit_; }
    Nanos quota_window() const { return window_; }
    std::size_t state_bytes() const { return static_cast<std::size_t>(limit_) * sizeof(Nanos); }

private:
    void expire(State& s, Nanos now) const;
    void push(State& s, Nanos at) const;
    Nanos oldest(const State& s) const { return s.ring[s.head]; }
    std::uint32_t limit_;
    Nanos window_;
};

} // namespace proxflow::rate_limit
