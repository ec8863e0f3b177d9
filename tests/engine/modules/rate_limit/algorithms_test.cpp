// Each algorithm's rule, decided at exact times: what a flood admits, when a refused request may come
// back, how long a delayed one waits, and how counts reported by other processes are charged.
#include "modules/rate_limit/algorithms.hpp"

#include <QtTest>

using namespace proxflow::rate_limit;

namespace {

constexpr Nanos ms = 1'000'000;
constexpr Nanos s = 1'000 * ms;
constexpr Admission reject_past_limit{};
constexpr Admission delay_up_to_10s{.may_wait = true, .max_wait = 10 * s};

// Requests every `gap` from `start` for `duration`; how many were admitted without waiting.
template <class Algorithm>
int admitted(const Algorithm& a, typename Algorithm::State& state, Nanos start, Nanos gap, Nanos duration) {
    int n = 0;
    for (Nanos t = start; t < start + duration; t += gap) n += a.take(state, t, reject_past_limit).kind == Verdict::Kind::allow;
    return n;
}

} // namespace

class AlgorithmsTest : public QObject {
    Q_OBJECT
private slots:
    void a_token_bucket_admits_its_size_then_its_rate() {
        const TokenBucket bucket(10, 5);
        TokenBucket::State state;
        // A flood of one request per millisecond for 3 s: 5 at once, then 10 a second (the 30th
        // token comes at 3 s, just after the flood).
        QCOMPARE(admitted(bucket, state, 100 * s, ms, 3 * s), 5 + 29);
    }

    void a_token_bucket_tells_when_to_come_back_and_what_remains() {
        const TokenBucket bucket(2, 2);
        TokenBucket::State state;
        const Verdict first = bucket.take(state, 10 * s, reject_past_limit);
        QCOMPARE(first.remaining, 1);
        QCOMPARE(bucket.take(state, 10 * s, reject_past_limit).remaining, 0);
        const Verdict refused = bucket.take(state, 10 * s, reject_past_limit);
        QVERIFY(refused.kind == Verdict::Kind::reject);
        QCOMPARE(refused.retry_after, 500 * ms); // one token every half second
        QVERIFY(bucket.take(state, 10 * s + 499 * ms, reject_past_limit).kind == Verdict::Kind::reject);
        QVERIFY(bucket.take(state, 10 * s + 500 * ms, reject_past_limit).kind == Verdict::Kind::allow);
    }

    void a_delayed_token_bucket_spaces_requests_at_its_rate() {
        const TokenBucket bucket(4, 1);
        TokenBucket::State state;
        QVERIFY(bucket.take(state, 5 * s, delay_up_to_10s).kind == Verdict::Kind::allow);
        for (int i = 1; i <= 4; ++i) {
            const Verdict v = bucket.take(state, 5 * s, delay_up_to_10s);
            QVERIFY(v.kind == Verdict::Kind::wait);
            QCOMPARE(v.wait, i * 250 * ms);
        }
        // Past max_delay it is a rejection, and the refused request takes nothing.
        const Admission short_delay{.may_wait = true, .max_wait = 900 * ms};
        QVERIFY(bucket.take(state, 5 * s, short_delay).kind == Verdict::Kind::reject);
        // Four waiters hold the bucket until 6.25 s: a request at 5.25 s passes at 6.25 s.
        QCOMPARE(bucket.take(state, 5 * s + 250 * ms, delay_up_to_10s).wait, 1000 * ms);
    }

    void what_others_admitted_is_paid_back_in_full() {
        const TokenBucket bucket(1, 3);
        TokenBucket::State state;
        bucket.charge(state, 50 * s, 2);
        QCOMPARE(admitted(bucket, state, 50 * s, ms, 10 * ms), 1);
        // Others admitted 10 more: the bucket of 3 owes 10 tokens, so it has a token again 8 s later.
        bucket.charge(state, 60 * s, 10);
        QVERIFY(bucket.take(state, 61 * s, reject_past_limit).kind == Verdict::Kind::reject);
        QVERIFY(bucket.take(state, 67 * s + 999 * ms, reject_past_limit).kind == Verdict::Kind::reject);
        QVERIFY(bucket.take(state, 68 * s, reject_past_limit).kind == Verdict::Kind::allow);
        QVERIFY(!bucket.idle(state, 70 * s + 500 * ms));
        QVERIFY(bucket.idle(state, 71 * s));
    }

    void a_leaky_bucket_admits_burst_plus_one_at_once_as_nginx() {
        // nginx limit_req rate=10r/s burst=5 nodelay: the first request, then five more, then 10 a second.
        const LeakyBucket bucket(10, 5);
        LeakyBucket::State state;
        QCOMPARE(admitted(bucket, state, 100 * s, ms, 3 * s), 6 + 29);
    }

    void a_leaky_bucket_without_burst_spaces_requests() {
        const LeakyBucket bucket(2, 0);
        LeakyBucket::State state;
        QVERIFY(bucket.take(state, 1 * s, reject_past_limit).kind == Verdict::Kind::allow);
        const Verdict refused = bucket.take(state, 1 * s + 100 * ms, reject_past_limit);
        QVERIFY(refused.kind == Verdict::Kind::reject);
        QCOMPARE(refused.retry_after, 400 * ms);
        QVERIFY(bucket.take(state, 1 * s + 500 * ms, reject_past_limit).kind == Verdict::Kind::allow);
    }

    void a_delayed_leaky_bucket_holds_each_request_for_its_excess() {
        // nginx limit_req rate=2r/s burst=3 (no nodelay): the first passes, the next three wait 0.5, 1, 1.5 s.
        const LeakyBucket bucket(2, 3);
        LeakyBucket::State state;
        QVERIFY(bucket.take(state, 1 * s, delay_up_to_10s).kind == Verdict::Kind::allow);
        for (int i = 1; i <= 3; ++i) {
            const Verdict v = bucket.take(state, 1 * s, delay_up_to_10s);
            QVERIFY(v.kind == Verdict::Kind::wait);
            QCOMPARE(v.wait, i * 500 * ms);
        }
        QVERIFY(bucket.take(state, 1 * s, delay_up_to_10s).kind == Verdict::Kind::reject);
    }

    void an_idle_leaky_bucket_starts_again_at_zero() {
        const LeakyBucket bucket(1, 0);
        LeakyBucket::State state;
        QVERIFY(bucket.take(state, 1 * s, reject_past_limit).kind == Verdict::Kind::allow);
        QVERIFY(!bucket.idle(state, 1 * s + 500 * ms));
        QVERIFY(bucket.idle(state, 3 * s));
        QVERIFY(bucket.take(state, 3 * s, reject_past_limit).kind == Verdict::Kind::allow);
    }

    void a_sliding_window_never_admits_more_than_its_limit_in_any_window() {
        const SlidingWindow window(5, 1 * s);
        SlidingWindow::State state;
        std::vector<Nanos> times;
        for (Nanos t = 0; t < 5 * s; t += 7 * ms)
            if (window.take(state, 10 * s + t, reject_past_limit).kind == Verdict::Kind::allow) times.push_back(t);
        QVERIFY(times.size() >= 25 - 1);
        for (std::size_t i = 0; i + 5 < times.size(); ++i) QVERIFY2(times[i + 5] - times[i] >= 1 * s, "six admissions within one window");
    }

    void a_full_sliding_window_says_when_its_oldest_leaves() {
        const SlidingWindow window(2, 10 * s);
        SlidingWindow::State state;
        window.take(state, 100 * s, reject_past_limit);
        window.take(state, 103 * s, reject_past_limit);
        const Verdict refused = window.take(state, 104 * s, reject_past_limit);
        QVERIFY(refused.kind == Verdict::Kind::reject);
        QCOMPARE(refused.retry_after, 6 * s);
        const Verdict waited = window.take(state, 104 * s, delay_up_to_10s);
        QVERIFY(waited.kind == Verdict::Kind::wait);
        QCOMPARE(waited.wait, 6 * s);
        // The delayed request counts from when it passes (110 s): the next passes at 113 s.
        QCOMPARE(window.take(state, 104 * s, {.may_wait = true, .max_wait = 20 * s}).wait, 9 * s);
    }

    void a_sliding_window_counts_what_others_admitted() {
        const SlidingWindow window(3, 1 * s);
        SlidingWindow::State state;
        window.charge(state, 1 * s, 2);
        QCOMPARE(admitted(window, state, 1 * s, ms, 100 * ms), 1);
        QVERIFY(window.idle(state, 2 * s));
    }
};

QTEST_APPLESS_MAIN(AlgorithmsTest)
#include "algorithms_test.moc"
