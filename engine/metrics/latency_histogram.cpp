#include "metrics/latency_histogram.hpp"

#include <bit>
#include <cmath>

namespace proxflow::metrics {

int HistogramLayout::index_of(std::uint64_t micros) {
    if (micros < linear_limit) return static_cast<int>(micros);
    const int msb = 63 - std::countl_zero(micros);           // >= 8
    const int shift = msb - 7;                                // keep the top 8 bits
    const int sub = static_cast<int>(micros >> shift) - per_octave; // 0..127
    const int index = linear_limit + (msb - 8) * per_octave + sub;
    return index < buckets ? index : buckets - 1;
}

namespace {

std::uint64_t lower_bound_of(int index) {
    if (index < HistogramLayout::linear_limit) return static_cast<std::uint64_t>(index);
    const int octave = (index - HistogramLayout::linear_limit) / HistogramLayout::per_octave; // msb - 8
    const int sub = (index - HistogramLayout::linear_limit) % HistogramLayout::per_octave;
    return static_cast<std::uint64_t>(HistogramLayout::per_octave + sub) << (octave + 1);
}

std::array<std::uint8_t, HistogramLayout::buckets> make_first_bounds() {
    std::array<std::uint8_t, HistogramLayout::buckets> out{};
    for (int i = 0; i < HistogramLayout::buckets; ++i) {
        int k = 0;
        while (k < prometheus_slots - 1 && prometheus_bounds_us[static_cast<std::size_t>(k)] < lower_bound_of(i)) ++k;
        out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(k);
    }
    return out;
}

} // namespace

const std::array<std::uint8_t, HistogramLayout::buckets> first_bound_of_bucket = make_first_bounds();

double HistogramLayout::upper_bound_of(int index) {
    return static_cast<double>(index + 1 < buckets ? lower_bound_of(index + 1) : lower_bound_of(index) * 2);
}

double HistogramLayout::midpoint_of(int index) {
    if (index < linear_limit) return index; // recorded in whole µs: exact
    return (static_cast<double>(lower_bound_of(index)) + upper_bound_of(index)) / 2;
}

namespace {

template <typename Histogram>
void add_buckets(HistogramCounts& out, const Histogram& h) {
    for (int i = 0; i < HistogramLayout::buckets; ++i) {
        const auto c = h.count_at(i);
        out.counts[static_cast<std::size_t>(i)] += c;
        out.total += c;
    }
}

} // namespace

void HistogramCounts::add(const LatencyHistogram& h) {
    add_buckets(*this, h);
    sum_us += h.sum_us();
    for (int k = 0; k < prometheus_slots; ++k) prometheus[static_cast<std::size_t>(k)] += h.prometheus_count(k);
}

void HistogramCounts::add(const SecondHistogram& h) { add_buckets(*this, h); }

void HistogramCounts::add(const HistogramCounts& h) {
    for (int i = 0; i < HistogramLayout::buckets; ++i) counts[static_cast<std::size_t>(i)] += h.counts[static_cast<std::size_t>(i)];
    total += h.total;
    sum_us += h.sum_us;
    for (int k = 0; k < prometheus_slots; ++k) prometheus[static_cast<std::size_t>(k)] += h.prometheus[static_cast<std::size_t>(k)];
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
