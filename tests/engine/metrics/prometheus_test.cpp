#include "metrics/prometheus.hpp"
#include "metrics/request_counters.hpp"

#include <QtTest>

#include <map>
#include <regex>

using namespace proxflow::metrics;

namespace {

// The samples of one family's `le` buckets, by bound, from the text format.
std::map<std::string, double> buckets_of(const std::string& text, const std::string& family) {
    std::map<std::string, double> out;
    const std::regex line(family + "_bucket\\{[^}]*le=\"([^\"]+)\"\\} (\\S+)");
    for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it) out[(*it)[1]] = std::stod((*it)[2]);
    return out;
}

double sample_of(const std::string& text, const std::string& name) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex("\n" + name + "(\\{[^}]*\\})? (\\S+)"))) return -1;
    return std::stod(m[2]);
}

std::string render_server(const std::vector<std::uint64_t>& micros) {
    RequestCounters counters;
    for (auto v : micros) counters.record(200, v);
    Snapshot snap;
    ServerStats stats;
    stats.name = "srv0";
    counters.add_to(stats);
    snap.servers.push_back(stats);
    return render_prometheus(snap);
}

} // namespace

class PrometheusTest : public QObject {
    Q_OBJECT
private slots:
    void le_buckets_are_exact_at_their_bounds() {
        // 249 999 and 250 000 µs share a fine bucket with 250 001 (1024 µs wide there): only the
        // value decides which side of 0.25 s it counts on.
        const auto text = render_server({249'999, 250'000, 250'001, 500, 501, 60'000'000, 60'000'001});
        const auto b = buckets_of(text, "proxflow_http_request_duration_seconds");
        QCOMPARE(b.at("0.0005"), 1.0);  // 500
        QCOMPARE(b.at("0.001"), 2.0);   // + 501
        QCOMPARE(b.at("0.1"), 2.0);
        QCOMPARE(b.at("0.25"), 4.0);    // + 249 999, 250 000
        QCOMPARE(b.at("0.5"), 5.0);     // + 250 001
        QCOMPARE(b.at("30"), 5.0);
        QCOMPARE(b.at("60"), 6.0);      // + 60 s exactly
        QCOMPARE(b.at("+Inf"), 7.0);    // + 60.000001 s
        QCOMPARE(b.size(), std::size_t(17));
    }

    void every_bound_splits_exactly_one_below_and_one_above() {
        for (const auto bound : prometheus_bounds_us) {
            LatencyHistogram h;
            h.record(bound - 1);
            h.record(bound);
            h.record(bound + 1);
            HistogramCounts c;
            c.add(h);
            const auto k = static_cast<std::size_t>(std::find(prometheus_bounds_us.begin(), prometheus_bounds_us.end(), bound) -
                                                    prometheus_bounds_us.begin());
            QVERIFY2(c.prometheus[k] == 2 && c.prometheus[k + 1] == 1, qPrintable(QString("bound %1 µs").arg(bound)));
        }
    }

    void sum_and_count_are_exact() {
        const auto text = render_server({1, 250'001, 3'000'000});
        QCOMPARE(sample_of(text, "proxflow_http_request_duration_seconds_sum"), 3.250002);
        QCOMPARE(sample_of(text, "proxflow_http_request_duration_seconds_count"), 3.0);
    }

    void country_latency_is_a_summary_with_exact_sum_and_count() {
        Snapshot snap;
        snap.countries.push_back({"DE", "EU", 4, 10'000, 2.5});
        const auto text = render_prometheus(snap);
        QVERIFY(text.find("# TYPE proxflow_http_request_duration_by_country_seconds summary\n") != std::string::npos);
        QVERIFY(text.find("proxflow_http_request_duration_by_country_seconds_sum{country=\"DE\"} 0.01\n") != std::string::npos);
        QVERIFY(text.find("proxflow_http_request_duration_by_country_seconds_count{country=\"DE\"} 4\n") != std::string::npos);
    }

    void all_time_bucket_counters_are_64_bit_and_second_ones_32_bit() {
        // All-time histograms would wrap after ~4.3e9 requests in one bucket with 32 bits; one second of
        // one thread cannot hold that many, so the 300 per-second histograms stay at half the memory.
        QCOMPARE(sizeof(BucketCounts<std::uint64_t>), std::size_t(8 * HistogramLayout::buckets));
        QCOMPARE(sizeof(SecondHistogram), std::size_t(4 * HistogramLayout::buckets));
        QVERIFY(sizeof(LatencyHistogram) >= 8 * HistogramLayout::buckets);
    }
};

QTEST_APPLESS_MAIN(PrometheusTest)
#include "prometheus_test.moc"
