// A zone's limiter: one limit however many engine threads ask, keys apart from each other, a table
// that never outgrows its cap, idle keys forgotten, and the counts a distributed sync reports.
#include "modules/rate_limit/limiter.hpp"

#include <QtTest>

#include <unistd.h>

#include <fstream>
#include <thread>

using namespace proxflow;
using namespace proxflow::rate_limit;

namespace {

constexpr Nanos s = 1'000'000'000;

RateLimitConfig config(const json& j) {
    ObjectReader r(j, "handler");
    return RateLimitConfig::from_json(r);
}

// Resident memory of this process, in bytes.
std::size_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

} // namespace

class LimiterTest : public QObject {
    Q_OBJECT
private slots:
    void threads_share_one_limit() {
        const auto limiter = make_limiter(config({{"rate", 1}, {"burst", 1000}}));
        std::atomic<int> allowed{0};
        std::vector<std::thread> threads;
        const Nanos now = 100 * s; // one instant: no refill while the threads race
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 5000; ++i) allowed += limiter->take("10.0.0.1", {}, now).kind == Verdict::Kind::allow;
            });
        for (auto& t : threads) t.join();
        QCOMPARE(allowed.load(), 1000);
    }

    void keys_are_limited_apart() {
        const auto limiter = make_limiter(config({{"rate", 1}, {"burst", 2}}));
        for (const char* key : {"alice", "bob"}) {
            QVERIFY(limiter->take(key, {}, s).kind == Verdict::Kind::allow);
            QVERIFY(limiter->take(key, {}, s).kind == Verdict::Kind::allow);
            QVERIFY(limiter->take(key, {}, s).kind == Verdict::Kind::reject);
        }
        QCOMPARE(limiter->keys(), std::size_t(2));
    }

    void a_flood_of_distinct_keys_stays_under_the_cap_and_counts_evictions() {
        const auto limiter = make_limiter(config({{"rate", 1}, {"max_keys", 1000}}));
        for (int i = 0; i < 100000; ++i) limiter->take("client-" + std::to_string(i), {}, 5 * s);
        QCOMPARE(limiter->keys(), std::size_t(1000));
        QCOMPARE(limiter->evictions(), std::uint64_t(100000 - 1000));
        // The most recent keys are still limited.
        QVERIFY(limiter->take("client-99999", {}, 5 * s).kind == Verdict::Kind::reject);
    }

    void a_million_keys_stay_under_the_documented_bound() {
        // docs/rate-limit.md: at most 200 bytes per tracked key (IPv6-length keys, token bucket).
        const std::size_t before = resident_bytes();
        const auto limiter = make_limiter(config({{"rate", 1}}));
        for (int i = 0; i < 1'000'000; ++i) limiter->take("2001:db8:4006:812::" + std::to_string(i), {}, 7 * s);
        QCOMPARE(limiter->keys(), std::size_t(1'000'000));
        const std::size_t grown = resident_bytes() - before;
        qInfo("1 000 000 keys: %zu bytes, %zu per key", grown, grown / 1'000'000);
        QVERIFY2(grown <= 200u * 1'000'000, std::to_string(grown).c_str());
    }

    void keys_at_rest_are_swept() {
        const auto limiter = make_limiter(config({{"rate", 10}}));
        for (int i = 0; i < 100; ++i) limiter->take("k" + std::to_string(i), {}, 1 * s);
        limiter->take("busy", {}, 3 * s);
        limiter->sweep(3 * s);
        QCOMPARE(limiter->keys(), std::size_t(1));
        QCOMPARE(limiter->evictions(), std::uint64_t(0));
    }

    void a_sync_drains_what_was_admitted_here_and_charges_what_others_admitted() {
        const auto limiter = make_limiter(config({{"rate", 1}, {"burst", 5}, {"distributed", json::object()}}));
        limiter->take("a", {}, s);
        limiter->take("a", {}, s);
        limiter->take("b", {}, s);
        auto drained = limiter->drain_admitted();
        std::sort(drained.begin(), drained.end());
        QCOMPARE(drained, (std::vector<std::pair<std::string, std::uint64_t>>{{"a", 2}, {"b", 1}}));
        QVERIFY(limiter->drain_admitted().empty());
        limiter->charge("a", 3, s); // 2 here + 3 elsewhere: the bucket of 5 is empty
        QVERIFY(limiter->take("a", {}, s).kind == Verdict::Kind::reject);
    }
};

QTEST_APPLESS_MAIN(LimiterTest)
#include "limiter_test.moc"
