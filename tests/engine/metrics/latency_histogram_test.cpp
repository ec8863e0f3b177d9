#include "metrics/latency_histogram.hpp"
#include "metrics/merge.hpp"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace proxflow::metrics;

namespace {
double exact_percentile(std::vector<std::uint64_t> values, double p) {
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * values.size()));
    return static_cast<double>(values[std::max<std::size_t>(rank, 1) - 1]) / 1000.0;
}
} // namespace

class LatencyHistogramTest : public QObject {
    Q_OBJECT
private slots:
    void percentiles_are_within_one_percent_of_exact_from_1us_to_60s() {
        // Log-uniform latencies across the whole range, the hardest case for fixed buckets.
        std::mt19937_64 rng(42);
        std::uniform_real_distribution<double> exponent(0, std::log(60e6));
        std::vector<std::uint64_t> values;
        LatencyHistogram h;
        for (int i = 0; i < 200000; ++i) {
            const auto v = static_cast<std::uint64_t>(std::exp(exponent(rng)));
            values.push_back(v);
            h.record(v);
        }
        HistogramCounts counts;
        counts.add(h);
        QCOMPARE(counts.total, std::uint64_t(values.size()));
        for (double p : {1.0, 10.0, 50.0, 90.0, 95.0, 99.0, 99.9}) {
            const double exact = exact_percentile(values, p), approx = counts.percentile_ms(p);
            QVERIFY2(std::abs(approx - exact) <= 0.01 * exact,
                     qPrintable(QString("p%1: exact %2 ms, histogram %3 ms").arg(p).arg(exact).arg(approx)));
        }
    }

    void bucket_bounds_are_increasing_and_cover_60_seconds() {
        for (int i = 1; i < LatencyHistogram::buckets; ++i)
            QVERIFY(LatencyHistogram::upper_bound_of(i) > LatencyHistogram::upper_bound_of(i - 1));
        QVERIFY(LatencyHistogram::upper_bound_of(LatencyHistogram::buckets - 2) >= 60e6);
        QVERIFY(LatencyHistogram::index_of(60'000'000) < LatencyHistogram::buckets - 1);
    }

    void windows_count_only_their_seconds_across_threads() {
        ThreadMetrics a, b;
        for (int i = 0; i < 30; ++i) a.request_finished(200, std::chrono::milliseconds(2), 10, 100, country_slot("local"));
        for (int i = 0; i < 10; ++i) b.request_finished(503, std::chrono::milliseconds(8), 10, 100, country_slot("DE"));
        Snapshot snap;
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        merge_threads({&a, &b}, now + 1, snap); // as seen one second later: the recorded second is complete
        QCOMPARE(snap.requests, std::uint64_t(40));
        QCOMPARE(snap.status_classes[4], std::uint64_t(10));
        QCOMPARE(snap.last_1s.requests, std::uint64_t(40));
        QCOMPARE(snap.last_1s.errors, std::uint64_t(10));
        QCOMPARE(snap.last_10s.requests_per_second, 4.0);
        QVERIFY(std::abs(snap.last_1s.p50_ms - 2.0) < 0.02);
        QVERIFY(std::abs(snap.last_1s.p99_ms - 8.0) < 0.08);
        QCOMPARE(snap.series.back().requests, std::uint64_t(40));
        QCOMPARE(snap.countries.front().code, std::string("local"));
        QCOMPARE(snap.countries.back().code, std::string("DE"));
        QCOMPARE(snap.countries.back().continent, std::string("EU"));
        QCOMPARE(snap.countries.front().continent, std::string()); // local has no continent

        Snapshot later;
        merge_threads({&a, &b}, now + 20, later); // 20 s later the 10 s window is empty again
        QCOMPARE(later.last_10s.requests, std::uint64_t(0));
        QCOMPARE(later.last_1m.requests, std::uint64_t(40));
    }
};

QTEST_APPLESS_MAIN(LatencyHistogramTest)
#include "latency_histogram_test.moc"
