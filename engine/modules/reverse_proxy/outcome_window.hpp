#pragma once
// The attempts and failures of one upstream over a sliding window: 60 buckets of window/60 each,
// so the rate slides by a bucket at a time and is never reset by the clock. Lock-free to record
// (a bucket that comes round again is cleared under a lock, once); shared by all engine threads.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace proxflow {

class OutcomeWindow {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr int bucket_count = 60;

    struct Totals {
        std::uint64_t attempts = 0;
        std::uint64_t failures = 0;
        double failure_rate() const { return attempts ? static_cast<double>(failures) / static_cast<double>(attempts) : 0; }
    };

    // Sets the window's length; a new length starts an empty window.
    void set_length(std::chrono::nanoseconds length);
    void record(bool failed, Clock::time_point now);
    Totals totals(Clock::time_point now) const;
    void clear();

private:
    struct Bucket {
        std::atomic<std::int64_t> slot{-1}; // which window/60 period since the clock's epoch it counts
        std::atomic<std::uint32_t> attempts{0};
        std::atomic<std::uint32_t> failures{0};
    };
    std::int64_t slot_of(Clock::time_point now) const;

    std::array<Bucket, bucket_count> buckets_;
    std::atomic<std::int64_t> bucket_ns_{1'000'000'000};
    std::mutex reset_mutex_;
};

} // namespace proxflow
