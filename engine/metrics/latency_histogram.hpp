#pragma once
#include <array>
#include <atomic>
#include <cstdint>

namespace proxflow::metrics {

// HDR-style log-linear latency buckets from 1 µs to 60 s: exact below 256 µs, then 128 buckets per
// power of two, so a percentile read at a bucket's midpoint is within 0.4% of the true value.
// One thread records; any thread may read while it does (relaxed atomics, no locks).
class LatencyHistogram {
public:
    static constexpr int linear_limit = 256;
    static constexpr int per_octave = 128;
    static constexpr int buckets = linear_limit + 18 * per_octave; // up to 2^26 µs ≈ 67 s

    static int index_of(std::uint64_t micros);
    static double midpoint_of(int index);   // µs
    static double upper_bound_of(int index); // µs

    void record(std::uint64_t micros) {
        auto& c = counts_[index_of(micros)];
        c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    // For histograms several threads record into (per upstream, per server).
    void record_shared(std::uint64_t micros) { counts_[index_of(micros)].fetch_add(1, std::memory_order_relaxed); }
    void reset() {
        for (auto& c : counts_) c.store(0, std::memory_order_relaxed);
    }
    std::uint32_t count_at(int index) const { return counts_[index].load(std::memory_order_relaxed); }

private:
    std::array<std::atomic<std::uint32_t>, buckets> counts_{};
};

// A plain (non-atomic) histogram that snapshots merge into and read percentiles from.
struct HistogramCounts {
    std::array<std::uint64_t, LatencyHistogram::buckets> counts{};
    std::uint64_t total = 0;

    void add(const LatencyHistogram& h);
    void add(const HistogramCounts& h);
    // p in [0, 100]; returns milliseconds, 0 when empty.
    double percentile_ms(double p) const;
};

} // namespace proxflow::metrics
