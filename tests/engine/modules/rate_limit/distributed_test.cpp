// make_distributed, as the rate_limit handler's factory calls it: sync_interval > 0 adds a sync task
// to the build (started with the config) and no decider; 0 gives a decider; zones naming one Redis
// share its client; and a real Redis sees the zone's counts once the task runs.
#include "../../redis/redis_fixture.hpp"
#include "modules/rate_limit/distributed.hpp"

#include <QtTest>

using namespace proxflow;
using namespace proxflow::rate_limit;
using namespace proxflow::test;

namespace {

RateLimitConfig distributed_zone(const std::string& address, std::chrono::nanoseconds sync_interval) {
    RateLimitConfig c;
    c.rate = Rate::parse("1/m");
    c.burst = 5;
    c.distributed = DistributedConfig{.redis = {.address = address}, .sync_interval = sync_interval};
    return c;
}

} // namespace

class DistributedTest : public QObject {
    Q_OBJECT
    QString redisServer_;

private slots:
    void initTestCase() {
        PROXFLOW_REQUIRE_PEER(program, "redis-server", "apt install redis-server");
        redisServer_ = program;
    }

    void a_synced_zone_gets_a_task_and_a_zone_deciding_in_redis_a_decider() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        UsagePool pool;
        BuildContext build(pool, loops.home, nullptr);
        const auto errors = std::make_shared<std::atomic<std::uint64_t>>(0);

        const RateLimitConfig synced = distributed_zone(server.address(), std::chrono::milliseconds(50));
        const auto limiter = make_limiter(synced);
        const Distributed s = make_distributed(synced, "synced", limiter, "synced limiter", errors, build);
        QVERIFY(!s.decider);
        QCOMPARE(build.tasks.size(), std::size_t(1));

        const RateLimitConfig asking = distributed_zone(server.address(), std::chrono::nanoseconds(0));
        const Distributed a = make_distributed(asking, "asking", make_limiter(asking), "asking limiter", errors, build);
        QVERIFY(a.decider);
        QCOMPARE(build.tasks.size(), std::size_t(1));
        QCOMPARE(pool.all<redis::Client>().size(), std::size_t(1)); // one Redis, one client

        for (auto& task : build.tasks) task->start();
        QCOMPARE(limiter->take("k", {}, steady_now()).kind, Verdict::Kind::allow);
        std::optional<redis::Reply> seen;
        for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
            seen = server.query({"GET", "proxflow:rate_limit:synced:k"});
            if (seen == redis::Reply::of_string("1")) break;
            std::this_thread::sleep_for(20ms);
        }
        QCOMPARE(seen, redis::Reply::of_string("1"));
        const auto verdict = loops.run(a.decider->take("k", {}));
        QVERIFY(verdict && verdict->kind == Verdict::Kind::allow);
        for (auto& task : build.tasks) task->stop();
        QCOMPARE(errors->load(), 0u);
    }

    void a_bad_redis_address_is_refused() {
        EventLoops loops;
        UsagePool pool;
        BuildContext build(pool, loops.home, nullptr);
        const RateLimitConfig c = distributed_zone("[::1:6379", std::chrono::seconds(1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, make_distributed(c, "z", make_limiter(c), "z", nullptr, build));
    }
};

QTEST_GUILESS_MAIN(DistributedTest)
#include "distributed_test.moc"
