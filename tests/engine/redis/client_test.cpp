// The Redis client against a real redis-server: replies of every type, pipelines, AUTH and SELECT on
// connect, a server that stops answering, one that is killed and started again, and calls from
// another thread, which resume there.
#include "redis_fixture.hpp"
#include "redis/client.hpp"

#include <QtTest>

#include <atomic>

using namespace proxflow;
using namespace proxflow::test;
using redis::Reply;

namespace {

redis::Options options_for(const RedisServer& server, std::string password = {}, int db = 0,
                           std::chrono::milliseconds timeout = std::chrono::milliseconds(1000)) {
    redis::Options o = redis::Options::from_address(server.address());
    o.password = std::move(password);
    o.db = db;
    o.command_timeout = timeout;
    return o;
}

std::shared_ptr<redis::Client> client_on(EventLoops& loops, redis::Options options) {
    return redis::Client::make(loops.home.get_executor(), std::move(options));
}

// Asks until Redis answers (or 5 s pass): a client that reconnects by itself gets there.
Reply command_until_answered(EventLoops& loops, redis::Client& client, std::vector<std::string> args) {
    Reply r;
    for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
        r = loops.run(client.command(args));
        if (!r.is_error()) break;
        std::this_thread::sleep_for(20ms);
    }
    return r;
}

} // namespace

class RedisClientTest : public QObject {
    Q_OBJECT
    QString redisServer_;

private slots:
    void initTestCase() {
        PROXFLOW_REQUIRE_PEER(program, "redis-server", "apt install redis-server");
        redisServer_ = program;
    }

    void addresses_are_host_and_port() {
        QCOMPARE(redis::Options::from_address("localhost:6380").address(), std::string("localhost:6380"));
        QCOMPARE(redis::Options::from_address("redis.internal").port, 6379);
        QCOMPARE(redis::Options::from_address("[::1]:7000").host, std::string("::1"));
        QCOMPARE(redis::Options::from_address("[::1]:7000").address(), std::string("[::1]:7000"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, redis::Options::from_address("::1:7000"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, redis::Options::from_address("host:70000"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, redis::Options::from_address(":6379"));
    }

    void every_reply_type_comes_back_as_a_value() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        auto client = client_on(loops, options_for(server));

        QCOMPARE(loops.run(client->command({"SET", "greeting", "hello"})), Reply::of_string("OK"));
        QCOMPARE(loops.run(client->command({"GET", "greeting"})), Reply::of_string("hello"));
        QCOMPARE(loops.run(client->command({"INCRBY", "counter", "5"})), Reply::of_integer(5));
        QVERIFY(loops.run(client->command({"GET", "absent"})).is_nil());
        QCOMPARE(loops.run(client->command({"RPUSH", "list", "a", "b"})), Reply::of_integer(2));
        QCOMPARE(loops.run(client->command({"LRANGE", "list", "0", "-1"})), Reply::of_array({Reply::of_string("a"), Reply::of_string("b")}));
        const Reply wrong = loops.run(client->command({"INCRBY", "greeting", "1"}));
        QVERIFY(wrong.is_error("ERR"));
        QVERIFY(loops.run(client->command({"NO-SUCH-COMMAND"})).is_error());
        // Binary-safe: the argument goes as it is, NUL and all.
        const std::string binary("a\0b\r\nc", 6);
        QCOMPARE(loops.run(client->command({"SET", "bin", binary})), Reply::of_string("OK"));
        QCOMPARE(loops.run(client->command({"GET", "bin"})), Reply::of_string(binary));
    }

    void a_pipeline_answers_in_order_with_errors_in_their_place() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        auto client = client_on(loops, options_for(server));

        std::vector<std::vector<std::string>> commands;
        for (int i = 1; i <= 2000; ++i) commands.push_back({"INCR", "n"});
        commands.push_back({"LPUSH", "n", "x"}); // a wrong type, in the middle
        commands.push_back({"GET", "n"});
        const std::vector<Reply> replies = loops.run(client->pipeline(commands));
        QCOMPARE(replies.size(), std::size_t(2002));
        for (int i = 0; i < 2000; ++i) QCOMPARE(replies[i], Reply::of_integer(i + 1));
        QVERIFY(replies[2000].is_error("WRONGTYPE"));
        QCOMPARE(replies[2001], Reply::of_string("2000"));

        // Replies far larger than one read (hiredis reads 16 KiB at a time) all arrive.
        const std::string big(1 << 20, 'x');
        QCOMPARE(loops.run(client->command({"SET", "big", big})), Reply::of_string("OK"));
        const std::vector<Reply> bigs = loops.run(client->pipeline({{"GET", "big"}, {"GET", "big"}, {"STRLEN", "big"}}));
        QCOMPARE(bigs[0].str.size(), big.size());
        QCOMPARE(bigs[1], Reply::of_string(big));
        QCOMPARE(bigs[2], Reply::of_integer(1 << 20));
    }

    void a_password_is_sent_before_any_command_and_a_wrong_one_is_an_error() {
        RedisServer server(redisServer_, "s3cret");
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;

        auto right = client_on(loops, options_for(server, "s3cret"));
        QCOMPARE(loops.run(right->command({"SET", "k", "v"})), Reply::of_string("OK"));

        auto wrong = client_on(loops, options_for(server, "guess"));
        const Reply refused = loops.run(wrong->command({"GET", "k"}));
        QVERIFY2(refused.is_error() && refused.str.find("AUTH") != std::string::npos && refused.str.find("WRONGPASS") != std::string::npos,
                 refused.str.c_str());
        QVERIFY2(refused.str.find(server.address()) != std::string::npos, refused.str.c_str()); // says which Redis

        auto none = client_on(loops, options_for(server));
        const Reply unauthenticated = loops.run(none->command({"GET", "k"}));
        QVERIFY2(unauthenticated.is_error() && unauthenticated.str.find("NOAUTH") != std::string::npos, unauthenticated.str.c_str());
    }

    void the_db_is_selected_on_connect() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        auto client = client_on(loops, options_for(server, {}, 3));
        QCOMPARE(loops.run(client->command({"SET", "where", "db3"})), Reply::of_string("OK"));
        QCOMPARE(server.query({"GET", "where"}, 3), Reply::of_string("db3"));
        QVERIFY(server.query({"GET", "where"}, 0)->is_nil());

        auto out_of_range = client_on(loops, options_for(server, {}, 99));
        const Reply refused = loops.run(out_of_range->command({"SET", "where", "nowhere"}));
        QVERIFY2(refused.is_error() && refused.str.find("SELECT") != std::string::npos, refused.str.c_str());
        QVERIFY(server.query({"GET", "where"}, 0)->is_nil()); // nothing ran on the wrong db
    }

    void a_refused_connection_is_an_error_reply() {
        RedisServer nothing_there(redisServer_); // never started: its port is closed
        EventLoops loops;
        auto client = client_on(loops, options_for(nothing_there));
        const auto start = std::chrono::steady_clock::now();
        const Reply r = loops.run(client->command({"PING"}));
        QVERIFY2(r.is_error() && r.str.find("refused") != std::string::npos, r.str.c_str());
        QVERIFY(elapsed_ms(start) < 1000);
        // Within the backoff the next call fails at once, saying so.
        const Reply again = loops.run(client->command({"PING"}));
        QVERIFY2(again.is_error() && again.str.find("next attempt") != std::string::npos, again.str.c_str());
    }

    void a_redis_that_stops_answering_times_out_and_is_used_again_once_it_answers() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        auto client = client_on(loops, options_for(server, {}, 0, std::chrono::milliseconds(200)));
        QCOMPARE(loops.run(client->command({"SET", "k", "1"})), Reply::of_string("OK"));

        server.pause();
        auto start = std::chrono::steady_clock::now();
        const Reply late = loops.run(client->command({"GET", "k"}));
        QVERIFY2(late.is_error() && late.str.find("no reply within 200 ms") != std::string::npos, late.str.c_str());
        QVERIFY(elapsed_ms(start) >= 190 && elapsed_ms(start) < 2000);
        // While it stays away, callers do not wait for it again and again.
        start = std::chrono::steady_clock::now();
        QVERIFY(loops.run(client->command({"GET", "k"})).is_error());
        QVERIFY(elapsed_ms(start) < 150);

        server.resume();
        QCOMPARE(command_until_answered(loops, *client, {"GET", "k"}), Reply::of_string("1"));
    }

    void the_client_reconnects_after_redis_restarts() {
        RedisServer server(redisServer_, "pw");
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        auto client = client_on(loops, options_for(server, "pw", 2));
        QCOMPARE(loops.run(client->command({"SET", "before", "1"})), Reply::of_string("OK"));

        server.stop();
        const Reply down = loops.run(client->command({"GET", "before"}));
        QVERIFY2(down.is_error(), down.to_string().c_str());
        QVERIFY(loops.run(client->command({"GET", "before"})).is_error());

        QVERIFY2(server.start(), server.log().c_str());
        // A new server (nothing persisted): the client connects again by itself, with AUTH and SELECT.
        QCOMPARE(command_until_answered(loops, *client, {"SET", "after", "2"}), Reply::of_string("OK"));
        QCOMPARE(server.query({"GET", "after"}, 2), Reply::of_string("2"));
        QVERIFY(server.query({"GET", "before"}, 2)->is_nil());
    }

    void calls_from_any_thread_resume_on_the_callers_executor() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        auto client = client_on(loops, options_for(server));
        // Many callers at once, before the first connection exists: one connect, every command answered.
        auto many = [](std::shared_ptr<redis::Client> c) -> awaitable<bool> {
            const auto caller = std::this_thread::get_id();
            std::vector<std::shared_ptr<std::promise<Reply>>> answers;
            std::atomic<int> same_thread{0};
            const auto executor = co_await asio::this_coro::executor;
            for (int i = 0; i < 50; ++i) {
                auto p = std::make_shared<std::promise<Reply>>();
                answers.push_back(p);
                asio::co_spawn(executor, [c, p, caller, &same_thread]() -> awaitable<void> {
                    std::vector<std::string> incr{"INCR", "concurrent"}; // not braced in co_await: GCC 12 miscompiles it
                    Reply r = co_await c->command(std::move(incr));
                    if (std::this_thread::get_id() == caller) ++same_thread;
                    p->set_value(std::move(r));
                }, asio::detached);
            }
            std::vector<std::string> get{"GET", "concurrent"};
            Reply last = co_await c->command(std::move(get));
            while (same_thread.load() < 50) {
                asio::steady_timer t(executor, 10ms);
                co_await t.async_wait(use_nothrow);
            }
            co_return std::this_thread::get_id() == caller && !last.is_error();
        };
        QVERIFY(loops.run(many(client)));
        QCOMPARE(server.query({"GET", "concurrent"}), Reply::of_string("50"));
    }

    void a_script_is_sent_by_its_sha_and_in_full_only_when_redis_lacks_it() {
        RedisServer server(redisServer_);
        QVERIFY2(server.start(), server.log().c_str());
        EventLoops loops;
        auto client = client_on(loops, options_for(server));
        const auto script = std::make_shared<const redis::Script>("return {KEYS[1], tonumber(ARGV[1]) * 2}");
        QCOMPARE(script->sha1.size(), std::size_t(40));
        QCOMPARE(server.query({"SCRIPT", "EXISTS", script->sha1})->elements.at(0), Reply::of_integer(0));
        const Reply expected = Reply::of_array({Reply::of_string("k"), Reply::of_integer(42)});
        QCOMPARE(loops.run(client->eval(script, {"k"}, {"21"})), expected);
        // EVAL loaded it under the SHA1 computed here, so the next call is an EVALSHA.
        QCOMPARE(server.query({"SCRIPT", "EXISTS", script->sha1})->elements.at(0), Reply::of_integer(1));
        QCOMPARE(loops.run(client->eval(script, {"k"}, {"21"})), expected);
        QCOMPARE(server.query({"SCRIPT", "FLUSH"}), Reply::of_string("OK"));
        QCOMPARE(loops.run(client->eval(script, {"k"}, {"21"})), expected);
        QVERIFY(loops.run(client->eval(std::make_shared<const redis::Script>("return redis.call('NOPE')"), {}, {})).is_error());
    }
};

QTEST_GUILESS_MAIN(RedisClientTest)
#include "client_test.moc"
