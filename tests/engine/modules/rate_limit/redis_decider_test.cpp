// sync_interval 0: every decision is a Lua script in a real Redis. On the same sequence of requests
// at the same times it answers exactly what the local algorithm answers; on Redis' own clock it
// limits processes that share the Redis together; and when Redis fails it gives no answer (the
// handler then decides locally), counted, until Redis is back.
#include "../../redis/redis_fixture.hpp"
#include "modules/rate_limit/algorithms.hpp"
#include "modules/rate_limit/redis_decider.hpp"

#include <QtTest>

#include <random>

using namespace proxflow;
using namespace proxflow::rate_limit;
using namespace proxflow::test;
using Algorithm = RateLimitConfig::Algorithm;

namespace {

constexpr Nanos ms = 1'000'000;
constexpr Nanos s = 1'000 * ms;

RateLimitConfig config_of(Algorithm algorithm, const char* rate, std::optional<std::int64_t> burst = {}, std::optional<Nanos> window = {}) {
    RateLimitConfig c;
    c.algorithm = algorithm;
    c.rate = Rate::parse(rate);
    c.burst = burst;
    if (window) c.window = std::chrono::nanoseconds(*window);
    c.distributed = DistributedConfig{};
    return c;
}

std::string text(const Verdict& v) {
    return "{kind " + std::to_string(static_cast<int>(v.kind)) + ", wait " + std::to_string(v.wait) + ", retry_after " +
           std::to_string(v.retry_after) + ", remaining " + std::to_string(v.remaining) + ", reset " + std::to_string(v.reset) + "}";
}

bool same(const Verdict& a, const Verdict& b) {
    return a.kind == b.kind && a.wait == b.wait && a.retry_after == b.retry_after && a.remaining == b.remaining && a.reset == b.reset;
}

struct Deciders {
    Deciders(EventLoops& loops, const RedisServer& server, std::shared_ptr<std::atomic<std::uint64_t>> errors = nullptr)
        : client(redis::Client::make(loops.home.get_executor(), redis::Options::from_address(server.address()))),
          outage(std::make_shared<RedisOutage>("test", server.address(), false, errors)) {}
    std::shared_ptr<redis::Client> client;
    std::shared_ptr<RedisOutage> outage;
};

// Requests at times that step by 0 to 1.5 × step (several at once, some after a pause), each one
// either refused past the limit or allowed to wait up to max_wait: Redis' verdict against the local one.
template <class Local>
void compare(EventLoops& loops, const RedisDecider& decider, const Local& local, Nanos step, Nanos max_wait, std::uint32_t seed) {
    typename Local::State state;
    std::mt19937 random(seed);
    Nanos now = 100 * s;
    for (int i = 0; i < 300; ++i) {
        const int dice = static_cast<int>(random() % 10);
        now += dice < 3 ? 0 : dice < 9 ? static_cast<Nanos>(random() % static_cast<std::uint32_t>(3 * step / 2)) : 3 * step;
        const Admission admission{.may_wait = max_wait > 0 && random() % 2 == 0, .max_wait = max_wait};
        const Verdict expected = local.take(state, now, admission);
        const std::optional<Verdict> got = loops.run(decider.take_at("client", admission, now));
        QVERIFY2(got, "no verdict from Redis");
        QVERIFY2(same(*got, expected), ("request " + std::to_string(i) + " at " + std::to_string(now) + ": redis " + text(*got) +
                                        ", local " + text(expected)).c_str());
    }
}

} // namespace

class RedisDeciderTest : public QObject {
    Q_OBJECT
    QString redisServer_;

private slots:
    void initTestCase() {
        PROXFLOW_REQUIRE_PEER(program, "redis-server", "apt install redis-server");
        redisServer_ = program;
    }

    void each_algorithm_decides_in_redis_as_it_decides_locally_data() {
        QTest::addColumn<int>("algorithm");
        QTest::addColumn<QString>("rate");
        QTest::addColumn<qint64>("burst");    // -1: the default
        QTest::addColumn<qint64>("window");   // ns, sliding window only
        QTest::addColumn<qint64>("max_wait"); // 0: every request is refused past the limit
        const auto tb = static_cast<int>(Algorithm::token_bucket);
        const auto lb = static_cast<int>(Algorithm::leaky_bucket);
        const auto sw = static_cast<int>(Algorithm::sliding_window);
        QTest::newRow("token bucket 10/s burst 5") << tb << "10" << qint64(5) << qint64(0) << qint64(0);
        QTest::newRow("token bucket 3/s burst 2, delay") << tb << "3" << qint64(2) << qint64(0) << qint64(1 * s);
        QTest::newRow("token bucket 600/m") << tb << "600/m" << qint64(-1) << qint64(0) << qint64(0);
        QTest::newRow("leaky bucket 10/s burst 5") << lb << "10" << qint64(5) << qint64(0) << qint64(0);
        QTest::newRow("leaky bucket 7/s burst 3, delay") << lb << "7" << qint64(3) << qint64(0) << qint64(2 * s);
        QTest::newRow("leaky bucket 4/s no burst") << lb << "4" << qint64(-1) << qint64(0) << qint64(0);
        QTest::newRow("sliding window 5 per s") << sw << "5" << qint64(-1) << qint64(1 * s) << qint64(0);
        QTest::newRow("sliding window 3 per 2 s, delay") << sw << "1.5" << qint64(-1) << qint64(2 * s) << qint64(3 * s);
    }

    void each_algorithm_decides_in_redis_as_it_decides_locally() {
        QFETCH(int, algorithm);
        QFETCH(QString, rate);
        QFETCH(qint64, burst);
        QFETCH(qint64, window);
        QFETCH(qint64, max_wait);
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        Deciders d(loops, server);
        const RateLimitConfig c = config_of(static_cast<Algorithm>(algorithm), rate.toStdString().c_str(),
                                            burst < 0 ? std::nullopt : std::optional<std::int64_t>(burst),
                                            window > 0 ? std::optional<Nanos>(window) : std::nullopt);
        const RedisDecider decider(c, "zone", d.client, d.outage);
        // The parameters make_limiter gives the local limiter.
        const Nanos step = static_cast<Nanos>(1e9 / c.rate.per_second());
        switch (c.algorithm) {
        case Algorithm::token_bucket:
            compare(loops, decider, TokenBucket(c.rate.per_second(), c.bucket_size()), step, max_wait, 1);
            break;
        case Algorithm::leaky_bucket:
            compare(loops, decider, LeakyBucket(c.rate.per_second(), c.bucket_size()), step, max_wait, 2);
            break;
        case Algorithm::sliding_window:
            compare(loops, decider, SlidingWindow(c.window_limit(), c.window_length().count()), step, max_wait, 3);
            break;
        }
    }

    void on_redis_time_a_key_is_limited_and_its_state_expires_when_idle() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        Deciders d(loops, server);
        const RedisDecider decider(config_of(Algorithm::token_bucket, "1/m", 3), "api", d.client, d.outage);
        for (int i = 0; i < 3; ++i) {
            const auto v = loops.run(decider.take("203.0.113.7", {}));
            QVERIFY(v && v->kind == Verdict::Kind::allow);
            QCOMPARE(v->remaining, 2 - i);
        }
        const auto refused = loops.run(decider.take("203.0.113.7", {}));
        QVERIFY(refused && refused->kind == Verdict::Kind::reject);
        QVERIFY2(refused->retry_after > 59 * s && refused->retry_after <= 60 * s, text(*refused).c_str());
        // Another key has its own bucket.
        QVERIFY(loops.run(decider.take("203.0.113.8", {}))->kind == Verdict::Kind::allow);
        // The state lives as long as the bucket takes to fill again (3 tokens at 1 a minute), no longer.
        const auto ttl = server.query({"PTTL", decider.redis_key("203.0.113.7")});
        QVERIFY2(ttl && ttl->integer > 170'000 && ttl->integer <= 180'001, ttl ? ttl->to_string().c_str() : "no answer");
        QVERIFY(decider.redis_key("k").starts_with("proxflow:rate_limit_state:token_bucket:api:"));
    }

    void processes_sharing_a_redis_share_one_limit() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        Deciders first(loops, server), second(loops, server); // a client each, as two processes have
        for (Algorithm algorithm : {Algorithm::token_bucket, Algorithm::leaky_bucket, Algorithm::sliding_window}) {
            const bool sliding = algorithm == Algorithm::sliding_window;
            const RateLimitConfig c = config_of(algorithm, "1/m", sliding ? std::nullopt : std::optional<std::int64_t>(2),
                                                sliding ? std::optional<Nanos>(180 * s) : std::nullopt);
            const RedisDecider a(c, "shared", first.client, first.outage), b(c, "shared", second.client, second.outage);
            // What passes at once, in all: the token bucket's 2, the leaky bucket's 1 + burst 2, 3 per 3 minutes.
            const int quota = algorithm == Algorithm::token_bucket ? 2 : 3;
            int admitted = 0;
            for (int i = 0; i < 4; ++i) {
                admitted += loops.run(a.take("user-1", {}))->kind == Verdict::Kind::allow;
                admitted += loops.run(b.take("user-1", {}))->kind == Verdict::Kind::allow;
            }
            QCOMPARE(admitted, quota);
        }
    }

    void without_redis_there_is_no_verdict_and_each_failure_is_counted() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        const auto errors = std::make_shared<std::atomic<std::uint64_t>>(0);
        Deciders d(loops, server, errors);
        const RedisDecider decider(config_of(Algorithm::token_bucket, "10", 5), "z", d.client, d.outage);
        QVERIFY(loops.run(decider.take("k", {})));
        QCOMPARE(errors->load(), 0u);

        server.stop();
        QVERIFY(!loops.run(decider.take("k", {})));
        QVERIFY(!loops.run(decider.take("k", {})));
        QCOMPARE(errors->load(), 2u);
        QVERIFY(d.outage->down());

        QVERIFY2(server.start(), server.log().c_str());
        std::optional<Verdict> back;
        for (auto deadline = std::chrono::steady_clock::now() + 5s; !back && std::chrono::steady_clock::now() < deadline;) {
            back = loops.run(decider.take("k", {}));
            if (!back) std::this_thread::sleep_for(20ms);
        }
        QVERIFY(back && back->kind == Verdict::Kind::allow);
        QVERIFY(!d.outage->down());
    }
};

QTEST_GUILESS_MAIN(RedisDeciderTest)
#include "redis_decider_test.moc"
