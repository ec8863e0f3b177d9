#include "metrics/latency_histogram.hpp"

#include <bit>
#include <cmath>

namespace proxflow::metrics {

int LatencyHistogram::index_of(std::uint64_t micros) {
    if (micros < linear_limit) return static_cast<int>(micros);
    const int msb = 63 - std::countl_zero(micros);           // >= 8
    const int shift = msb - 7;                                // keep the top 8 bits
    const int sub = static_cast<int>(micros >> shift) - per_octave; // 0..127
    const int index = linear_limit + (msb - 8) * per_octave + sub;
    return index < buckets ? index : buckets - 1;
}

static double lower_bound_of(int index) {
    if (index < LatencyHistogram::linear_limit) return index;
    const int octave = (index - LatencyHistogram::linear_limit) / LatencyHistogram::per_octave; // msb - 8
    const int sub = (index - LatencyHistogram::linear_limit) % LatencyHistogram::per_octave;
    const double width = static_cast<double>(std::uint64_t(1) << (octave + 1));
    return (LatencyHistogram::per_octave + sub) * width;
}

double LatencyHistogram::upper_bound_of(int index) {
    return index + 1 < buckets ? lower_bound_of(index + 1) : lower_bound_of(index) * 2;
}

double LatencyHistogram::midpoint_of(int index) {
    if (index < linear_limit) return index; // recorded in whole µs: exact
    return (lower_bound_of(index) + upper_bound_of(index)) / 2;
}

void HistogramCounts::add(const LatencyHistogram& h) {
    for (int i = 0; i < LatencyHistogram::buckets; ++i) {
        const auto c = h.count_at(i);
        counts[i] += c;
        total += c;
    }
}

void HistogramCounts::add(const HistogramCounts& h) {
    for (int i = 0; i < LatencyHistogram::buckets; ++i) counts[i] += h.counts[i];
    total += h.total;
}

double HistogramCounts::percentile_ms(double p) const {
    if (total == 0) return 0;
    // The rank of the p-th percentile, nearest-rank method (1-based).
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total)));
    if (rank < 1) rank = 1;
    if (rank > total) rank = total;
    std::uint64_t seen = 0;
    for (int i = 0; i < LatencyHistogram::buckets; ++i) {
        seen += counts[i];
        if (seen >= rank) return LatencyHistogram::midpoint_of(i) / 1000.0;
    }
    return LatencyHistogram::midpoint_of(LatencyHistogram::buckets - 1) / 1000.0;
}

} // namespace proxflow::metrics
