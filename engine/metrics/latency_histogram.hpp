#pragma once
#include "metrics/counter.hpp"

#include <array>
#include <atomic>
#include <cstdint>

namespace proxflow::metrics {

// HDR-style log-linear latency buckets from 1 µs to 60 s: exact below 256 µs, then 128 buckets per
// power of two, so a percentile read at a bucket's midpoint is within 0.4% of the true value.
struct HistogramLayout {
    static constexpr int linear_limit = 256;
    static constexpr int per_octave = 128;
    static constexpr int buckets = linear_limit + 18 * per_octave; // up to 2^26 µs ≈ 67 s

    static int index_of(std::uint64_t micros);
    static double midpoint_of(int index);    // µs
    static double upper_bound_of(int index); // µs
};

// The `le` bounds of the Prometheus histograms, in µs; a value v counts in bound k when v <= bound k.
inline constexpr std::array<std::uint64_t, 16> prometheus_bounds_us{
    500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 500'000,
    1'000'000, 2'500'000, 5'000'000, 10'000'000, 30'000'000, 60'000'000};
inline constexpr int prometheus_slots = static_cast<int>(prometheus_bounds_us.size()) + 1; // last: above 60 s

// For each fine bucket, the first Prometheus bound at or above its lower edge. A fine bucket is
// narrower than the gap between two bounds, so a value is in that bound or the next one.
extern const std::array<std::uint8_t, HistogramLayout::buckets> first_bound_of_bucket;

inline int prometheus_slot(int index, std::uint64_t micros) {
    const int k = first_bound_of_bucket[static_cast<std::size_t>(index)];
    return k < prometheus_slots - 1 && micros > prometheus_bounds_us[static_cast<std::size_t>(k)] ? k + 1 : k;
}

// Fine bucket counts with one recording thread; any thread may read while it records (relaxed
// atomics, a plain load and store per increment, no locks). Count is the counter width.
template <typename Count>
class BucketCounts : public HistogramLayout {
public:
    void record_at(int index) {
        auto& c = counts_[static_cast<std::size_t>(index)];
        c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    void record(std::uint64_t micros) { record_at(index_of(micros)); }
    void reset() {
        for (auto& c : counts_) c.store(0, std::memory_order_relaxed);
    }
    std::uint64_t count_at(int index) const { return counts_[static_cast<std::size_t>(index)].load(std::memory_order_relaxed); }

private:
    std::array<std::atomic<Count>, buckets> counts_{};
};

// One second of one thread: 32 bits cannot wrap there (4e9 requests in a second), and keep 300
// seconds of history at 3 MB per thread instead of 6.
using SecondHistogram = BucketCounts<std::uint32_t>;

// Since start: 64-bit buckets, the exact sum, and exact counts at the Prometheus bounds (a fine
// bucket may straddle a bound; the value itself decides).
class LatencyHistogram : public HistogramLayout {
public:
    void record(std::uint64_t micros) {
        const int index = index_of(micros);
        fine_.record_at(index);
        sum_us_.add(micros);
        prometheus_[static_cast<std::size_t>(prometheus_slot(index, micros))].add();
    }
    std::uint64_t count_at(int index) const { return fine_.count_at(index); }
    std::uint64_t sum_us() const { return sum_us_.get(); }
    // Values in (bound slot-1, bound slot]; the last slot holds those above 60 s.
    std::uint64_t prometheus_count(int slot) const { return prometheus_[static_cast<std::size_t>(slot)].get(); }

private:
    BucketCounts<std::uint64_t> fine_;
    OwnedCounter sum_us_;
    std::array<OwnedCounter, prometheus_slots> prometheus_;
};

// A plain (non-atomic) histogram that snapshots merge into and read percentiles from.
struct HistogramCounts {
    std::array<std::uint64_t, HistogramLayout::buckets> counts{};
    std::uint64_t total = 0;
    // Only from LatencyHistogram (since start): the exact sum and the Prometheus slots.
    std::uint64_t sum_us = 0;
    std::array<std::uint64_t, prometheus_slots> prometheus{};

    void add(const LatencyHistogram& h);
    void add(const SecondHistogram& h);
    void add(const HistogramCounts& h);
    // p in [0, 100]; returns milliseconds, 0 when empty.
    double percentile_ms(double p) const;
};

} // namespace proxflow::metrics
