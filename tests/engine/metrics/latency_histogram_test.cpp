#include "metrics/latency_histogram.hpp"
#include "metrics/merge.hpp"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

using namespace proxflow::metrics;

namespace {
// The injected clock of the ThreadMetrics below: the unix second a request is recorded in.
std::atomic<std::int64_t> fake_now{1'700'000'000};
std::int64_t fake_clock() { return fake_now.load(std::memory_order_relaxed); }

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
        ThreadMetrics a(fake_clock), b(fake_clock);
        const std::int64_t now = fake_now.load();
        for (int i = 0; i < 30; ++i) a.request_finished(200, std::chrono::milliseconds(2), 10, 100, country_slot("local"));
        for (int i = 0; i < 10; ++i) b.request_finished(503, std::chrono::milliseconds(8), 10, 100, country_slot("DE"));
        Snapshot snap;
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

    void the_5_minute_window_holds_300_seconds_and_forgets_the_301st() {
        fake_now = 1'800'000'000;
        const std::int64_t start = fake_now.load();
        ThreadMetrics t(fake_clock);
        // Second k (0..300) gets k+1 requests of (k % 3 + 1) ms, 5xx on every tenth second.
        std::uint64_t all = 0;
        for (int k = 0; k <= 300; ++k) {
            fake_now = start + k;
            for (int i = 0; i <= k; ++i)
                t.request_finished(k % 10 == 0 ? 500 : 200, std::chrono::milliseconds(k % 3 + 1), 1, 1, -1);
            all += static_cast<std::uint64_t>(k) + 1;
        }
        Snapshot snap;
        merge_threads({&t}, start + 301, snap);
        // Seconds 1..300 are the last 300 complete ones; second 0 (1 request) has left the window.
        QCOMPARE(snap.requests, all);
        QCOMPARE(snap.last_5m.seconds, 300);
        QCOMPARE(snap.last_5m.requests, all - 1);
        std::uint64_t errors = 0;
        for (int k = 10; k <= 300; k += 10) errors += static_cast<std::uint64_t>(k) + 1;
        QCOMPARE(snap.last_5m.errors, errors);
        QCOMPARE(snap.last_5m.requests_per_second, static_cast<double>(all - 1) / 300);
        QCOMPARE(snap.series.size(), std::size_t(300));
        QCOMPARE(snap.series.front().unix_second, start + 1);
        QCOMPARE(snap.series.front().requests, std::uint64_t(2));
        QCOMPARE(snap.series.back().requests, std::uint64_t(301));
        // The last minute: seconds 241..300.
        std::uint64_t minute = 0;
        for (int k = 241; k <= 300; ++k) minute += static_cast<std::uint64_t>(k) + 1;
        QCOMPARE(snap.last_1m.requests, minute);
        // Latencies 1, 2, 3 ms in about equal shares (more weight on later seconds): p50 is 2 ms, p99 3 ms.
        QVERIFY2(std::abs(snap.last_5m.p50_ms - 2.0) < 0.02, qPrintable(QString::number(snap.last_5m.p50_ms)));
        QVERIFY2(std::abs(snap.last_5m.p99_ms - 3.0) < 0.03, qPrintable(QString::number(snap.last_5m.p99_ms)));
        QVERIFY(std::abs(snap.last_5m.p95_ms - 3.0) < 0.03);
    }

    void a_reader_never_sees_a_second_half_reset_while_the_writer_reuses_its_slot() {
        // The writer moves to a new second every 4 requests, so it keeps reusing the slot of the second
        // 300 s older, the oldest one a reader merges. Second s has 4 requests of (s % 5 + 1) ms: a
        // reader must see either all of them with that latency, or none (the slot is gone).
        fake_now = 1'900'000'000;
        ThreadMetrics t(fake_clock);
        std::atomic<bool> done{false};
        std::atomic<std::int64_t> writer_second{fake_now.load()};
        std::thread writer([&] {
            for (long n = 0; !done.load(); ++n) { // until the reader has merged enough (or its deadline)
                if (n % 4 == 0) {
                    fake_now = fake_now.load() + 1;
                    writer_second = fake_now.load();
                }
                t.request_finished(200, std::chrono::milliseconds(fake_now.load() % 5 + 1), 1, 1, -1);
            }
        });
        int merges = 0, torn = 0, seen = 0;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (merges < 300 && std::chrono::steady_clock::now() < deadline) {
            Snapshot snap;
            merge_threads({&t}, writer_second.load(), snap);
            ++merges;
            for (const auto& p : snap.series) {
                if (p.requests == 0) continue;
                ++seen;
                const double expected_ms = static_cast<double>(p.unix_second % 5 + 1);
                if (p.requests != 4 || std::abs(p.p50_ms - expected_ms) > 0.01 * expected_ms ||
                    std::abs(p.p99_ms - expected_ms) > 0.01 * expected_ms)
                    ++torn;
            }
        }
        done = true;
        writer.join();
        qInfo("%d merges, %d complete seconds read, %d torn", merges, seen, torn);
        QVERIFY(merges >= 3);
        QVERIFY(seen > 0);
        QCOMPARE(torn, 0);
    }
};

QTEST_APPLESS_MAIN(LatencyHistogramTest)
#include "latency_histogram_test.moc"
