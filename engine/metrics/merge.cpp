#include "metrics/merge.hpp"

#include "metrics/continents.hpp"

#include <algorithm>

namespace proxflow::metrics {

int country_slot(std::string_view code) {
    if (code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z')
        return (code[0] - 'A') * 26 + (code[1] - 'A');
    if (code == "local") return ThreadMetrics::country_local;
    return ThreadMetrics::country_unknown;
}

std::string country_code(int slot) {
    if (slot == ThreadMetrics::country_local) return "local";
    if (slot >= ThreadMetrics::country_unknown || slot < 0) return "unknown";
    return {static_cast<char>('A' + slot / 26), static_cast<char>('A' + slot % 26)};
}

namespace {

void finish_window(WindowStats& w, const HistogramCounts& merged, int seconds) {
    w.seconds = seconds;
    w.requests_per_second = static_cast<double>(w.requests) / seconds;
    w.errors_per_second = static_cast<double>(w.errors) / seconds;
    w.p50_ms = merged.percentile_ms(50);
    w.p95_ms = merged.percentile_ms(95);
    w.p99_ms = merged.percentile_ms(99);
}

} // namespace

void merge_threads(const std::vector<const ThreadMetrics*>& threads, std::int64_t now, Snapshot& out, bool with_series) {
    const int history = with_series ? ThreadMetrics::history_seconds : 10;
    for (const auto* t : threads) {
        out.requests += t->requests();
        for (int i = 0; i < 5; ++i) out.status_classes[i] += t->status_class(i);
        out.bytes_in += t->bytes_in();
        out.bytes_out += t->bytes_out();
        out.active_connections += t->active_connections();
        out.refused_connections += t->refused_connections();
        out.worker_connections.push_back(t->active_connections());
        out.active_requests += std::max<std::int64_t>(0, t->active_requests());
        out.latency.add(t->latency());
    }

    // Complete seconds only, newest first, folded into the windows as they are read: a handful of
    // histograms in memory rather than one per second of history.
    out.series.assign(static_cast<std::size_t>(history), {});
    struct Window {
        int seconds;
        WindowStats* stats;
        HistogramCounts merged;
    };
    std::vector<Window> windows{{1, &out.last_1s, {}}, {10, &out.last_10s, {}}};
    if (with_series) {
        windows.push_back({60, &out.last_1m, {}});
        windows.push_back({300, &out.last_5m, {}});
    }
    HistogramCounts second_histogram;
    for (int age = 1; age <= history; ++age) {
        const std::int64_t second = now - age;
        auto& point = out.series[static_cast<std::size_t>(history - age)];
        point.unix_second = second;
        second_histogram = HistogramCounts{};
        ThreadMetrics::SecondCounts counts;
        for (const auto* t : threads) t->read_second(second, counts, second_histogram);
        point.requests = counts.requests;
        point.errors = counts.errors;
        point.p50_ms = second_histogram.percentile_ms(50);
        point.p95_ms = second_histogram.percentile_ms(95);
        point.p99_ms = second_histogram.percentile_ms(99);
        for (auto& w : windows) {
            if (age > w.seconds) continue;
            w.stats->requests += point.requests;
            w.stats->errors += point.errors;
            if (second_histogram.total) w.merged.add(second_histogram);
        }
    }
    for (auto& w : windows) finish_window(*w.stats, w.merged, w.seconds);

    for (int slot = 0; slot < ThreadMetrics::country_slots; ++slot) {
        std::uint64_t requests = 0, latency_us = 0;
        for (const auto* t : threads) {
            requests += t->country_requests(slot);
            latency_us += t->country_latency_us(slot);
        }
        if (!requests) continue;
        const std::string code = country_code(slot);
        out.countries.push_back({code, std::string(continent_of(code)), requests, latency_us, static_cast<double>(latency_us) / requests / 1000.0});
    }
    std::sort(out.countries.begin(), out.countries.end(), [](const auto& a, const auto& b) { return a.requests > b.requests; });
}

} // namespace proxflow::metrics
