// sync_interval > 0: two limiters (two processes' zones) sharing one real Redis through their syncs
// learn each other's admissions and count nothing twice, not even across a Redis restart; a key is
// forgotten once Redis has forgotten it; a failed sync is counted and the next ones resume by themselves.
#include "../../redis/redis_fixture.hpp"
#include "modules/rate_limit/limiter.hpp"
#include "modules/rate_limit/redis_sync.hpp"

#include <QtTest>

using namespace proxflow;
using namespace proxflow::rate_limit;
using namespace proxflow::test;

namespace {

// A token bucket of `size` refilled at one a minute: within a test only what is taken, here or
// elsewhere, empties it.
RateLimitConfig bucket(std::int64_t size) {
    RateLimitConfig c;
    c.rate = Rate::parse("1/m");
    c.burst = size;
    c.distributed = DistributedConfig{};
    return c;
}

// One process' zone: its limiter, its ledger, its own Redis client and its sync.
struct Process {
    Process(EventLoops& loops, const RedisServer& server, const RateLimitConfig& config,
            std::shared_ptr<std::atomic<std::uint64_t>> errors = nullptr,
            std::chrono::milliseconds ttl = std::chrono::seconds(90), std::chrono::nanoseconds interval = std::chrono::seconds(30))
        : limiter(make_limiter(config)), ledger(std::make_shared<SyncLedger>()),
          outage(std::make_shared<RedisOutage>("zone", server.address(), false, errors)),
          sync(std::make_shared<RedisSync>(loops.home, limiter, ledger,
                                           redis::Client::make(loops.home.get_executor(), redis::Options::from_address(server.address())),
                                           outage, RedisSync::Settings{.zone = "zone", .interval = interval, .ttl = ttl, .max_keys = 1000})) {}

    // How many of n requests of key pass now.
    int admits(const std::string& key, int n) {
        int passed = 0;
        for (int i = 0; i < n; ++i) passed += limiter->take(key, {}, steady_now()).kind == Verdict::Kind::allow;
        return passed;
    }

    std::shared_ptr<Limiter> limiter;
    std::shared_ptr<SyncLedger> ledger;
    std::shared_ptr<RedisOutage> outage;
    std::shared_ptr<RedisSync> sync;
};

// What Redis holds under key, once it holds expected (or after 5 s).
std::optional<redis::Reply> wait_for(const RedisServer& server, const std::string& key, const redis::Reply& expected) {
    std::optional<redis::Reply> seen;
    for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
        seen = server.query({"GET", key});
        if (seen == expected) break;
        std::this_thread::sleep_for(20ms);
    }
    return seen;
}

} // namespace

class RedisSyncTest : public QObject {
    Q_OBJECT
    QString redisServer_;

private slots:
    void initTestCase() {
        PROXFLOW_REQUIRE_PEER(program, "redis-server", "apt install redis-server");
        redisServer_ = program;
    }

    void the_counters_live_a_few_intervals_and_at_least_a_window() {
        QCOMPARE(sync_ttl(std::chrono::seconds(30), 1'000'000'000LL), std::chrono::milliseconds(90'000));
        QCOMPARE(sync_ttl(std::chrono::seconds(1), 60'000'000'000LL), std::chrono::milliseconds(61'000));
    }

    void two_processes_learn_each_others_admissions() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        Process a(loops, server, bucket(5)), b(loops, server, bucket(5));

        QCOMPARE(a.admits("10.0.0.1", 3), 3);
        QCOMPARE(b.admits("10.0.0.1", 1), 1);
        QVERIFY(loops.run(a.sync->exchange())); // Redis: 3, all A's
        QVERIFY(loops.run(b.sync->exchange())); // Redis: 4, of which 3 are A's: B is charged them
        QCOMPARE(server.query({"GET", a.sync->redis_key("10.0.0.1")}), redis::Reply::of_string("4"));
        QCOMPARE(b.admits("10.0.0.1", 5), 1); // 5 - 1 - 3

        QVERIFY(loops.run(a.sync->exchange())); // A admitted nothing since: it reads 4, of which 1 is B's
        QCOMPARE(a.admits("10.0.0.1", 5), 1);   // 5 - 3 - 1
        QVERIFY(loops.run(b.sync->exchange()));
        QVERIFY(loops.run(a.sync->exchange()));
        // Every admission counted once: 3 + 1 + 1 + 1.
        QCOMPARE(server.query({"GET", a.sync->redis_key("10.0.0.1")}), redis::Reply::of_string("6"));
        const auto ttl = server.query({"PTTL", a.sync->redis_key("10.0.0.1")});
        QVERIFY(ttl && ttl->integer > 80'000 && ttl->integer <= 90'000);
        // Keys are limited apart.
        QCOMPARE(b.admits("10.0.0.2", 5), 5);
    }

    void a_failed_sync_is_counted_and_syncing_resumes_by_itself_after_a_restart() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        const auto errors = std::make_shared<std::atomic<std::uint64_t>>(0);
        Process a(loops, server, bucket(10), errors);

        QCOMPARE(a.admits("k", 3), 3);
        QVERIFY(loops.run(a.sync->exchange()));
        server.stop();
        QCOMPARE(a.admits("k", 2), 2);           // requests go on without Redis
        QVERIFY(!loops.run(a.sync->exchange())); // and this interval's admissions are not shared
        QCOMPARE(errors->load(), 1u);
        QVERIFY(a.outage->down());

        QVERIFY2(server.start(), server.log().c_str()); // an empty Redis: the counter is gone
        bool resumed = false;
        for (auto deadline = std::chrono::steady_clock::now() + 5s; !resumed && std::chrono::steady_clock::now() < deadline;) {
            resumed = loops.run(a.sync->exchange());
            if (!resumed) std::this_thread::sleep_for(20ms);
        }
        QVERIFY(resumed);
        QVERIFY(!a.outage->down());
        QCOMPARE(a.admits("k", 1), 1);
        QVERIFY(loops.run(a.sync->exchange()));
        QCOMPARE(server.query({"GET", a.sync->redis_key("k")}), redis::Reply::of_string("1"));
        QCOMPARE(a.admits("k", 10), 4); // 10 - 3 - 2 - 1: nothing charged twice
    }

    void a_counter_redis_lost_is_not_taken_for_the_others_admissions() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        Process a(loops, server, bucket(10)), b(loops, server, bucket(10));
        QCOMPARE(a.admits("k", 3), 3);
        QVERIFY(loops.run(a.sync->exchange()));
        QCOMPARE(server.query({"FLUSHALL"}), redis::Reply::of_string("OK")); // as an expiry or a restart loses it
        // B starts the counter again; A's next total (2 + 1) is below what it last saw plus its own part,
        // so it is a new counter: all but A's own part is B's.
        QCOMPARE(b.admits("k", 2), 2);
        QVERIFY(loops.run(b.sync->exchange()));
        QCOMPARE(a.admits("k", 1), 1);
        QVERIFY(loops.run(a.sync->exchange()));
        QCOMPARE(server.query({"GET", a.sync->redis_key("k")}), redis::Reply::of_string("3"));
        QCOMPARE(a.admits("k", 10), 4); // 10 - 3 - 1 - B's 2
    }

    void a_key_is_forgotten_once_redis_has_forgotten_it() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        Process a(loops, server, bucket(5), nullptr, std::chrono::milliseconds(300));
        QCOMPARE(a.admits("short-lived", 1), 1);
        QVERIFY(loops.run(a.sync->exchange()));
        QCOMPARE(a.ledger->keys(), std::size_t(1));
        QVERIFY(loops.run(a.sync->exchange())); // followed while its counter lives
        QCOMPARE(a.ledger->keys(), std::size_t(1));
        QVERIFY(wait_for(server, a.sync->redis_key("short-lived"), redis::Reply())->is_nil());
        QVERIFY(loops.run(a.sync->exchange()));
        QCOMPARE(a.ledger->keys(), std::size_t(0));
    }

    void the_task_syncs_every_interval_by_itself() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        Process a(loops, server, bucket(5), nullptr, std::chrono::seconds(5), std::chrono::milliseconds(50));
        a.sync->start();
        QCOMPARE(a.admits("ticking", 2), 2);
        QCOMPARE(wait_for(server, a.sync->redis_key("ticking"), redis::Reply::of_string("2")), redis::Reply::of_string("2"));
        QCOMPARE(a.admits("ticking", 1), 1);
        QCOMPARE(wait_for(server, a.sync->redis_key("ticking"), redis::Reply::of_string("3")), redis::Reply::of_string("3"));
        a.sync->stop();
    }
};

QTEST_GUILESS_MAIN(RedisSyncTest)
#include "redis_sync_test.moc"
