#include "modules/reverse_proxy/connection_pool.hpp"

#include <QtTest>

#include <vector>

using namespace proxflow;
using Clock = std::chrono::steady_clock;

namespace {

const std::string dial = "127.0.0.1:9000";

// Kept-alive connections to a listener on loopback; each upstream side stays reachable so a test
// can close it as an upstream closes an idle connection.
struct Upstream {
    asio::io_context io;
    tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
    std::vector<tcp::socket> accepted;

    std::unique_ptr<UpstreamConnection> connect() {
        auto conn = std::make_unique<UpstreamConnection>(io.get_executor(), 4096);
        conn->stream.socket().connect(acceptor.local_endpoint());
        conn->stream.socket().non_blocking(true);
        accepted.push_back(acceptor.accept());
        return conn;
    }
};

void put(ConnectionPool& pool, std::unique_ptr<UpstreamConnection> conn) {
    pool.put(dial, std::move(conn), 16, std::chrono::minutes(2));
}

} // namespace

class ConnectionPoolTest : public QObject {
    Q_OBJECT

private slots:
    void the_connection_idle_longest_goes_first_so_requests_rotate_over_all_of_them() {
        Upstream upstream;
        ConnectionPool pool;
        std::vector<UpstreamConnection*> order;
        for (int i = 0; i < 3; ++i) {
            auto conn = upstream.connect();
            order.push_back(conn.get());
            put(pool, std::move(conn));
        }
        // Six requests one after another, each giving its connection back: a, b, c, a, b, c.
        for (int i = 0; i < 6; ++i) {
            auto conn = pool.take(dial);
            QVERIFY(conn);
            QCOMPARE(conn.get(), order[static_cast<std::size_t>(i % 3)]);
            QVERIFY(conn->reused);
            put(pool, std::move(conn));
        }
    }

    void a_connection_the_upstream_closed_while_idle_is_skipped() {
        Upstream upstream;
        ConnectionPool pool;
        put(pool, upstream.connect());
        auto open = upstream.connect();
        UpstreamConnection* open_one = open.get();
        put(pool, std::move(open));
        upstream.accepted[0].close(); // the upstream's keep-alive timeout: a FIN on the first
        QTest::qWait(50);

        auto conn = pool.take(dial, Clock::now() + ConnectionPool::check_when_idle_for);
        QCOMPARE(conn.get(), open_one);
        QVERIFY(!pool.take(dial)); // the closed one is gone, not back in the pool
    }

    void an_expired_connection_is_not_handed_out() {
        Upstream upstream;
        ConnectionPool pool;
        pool.put(dial, upstream.connect(), 16, std::chrono::seconds(1));
        QVERIFY(!pool.take(dial, Clock::now() + std::chrono::seconds(2)));
    }

    void no_more_than_max_idle_are_kept() {
        Upstream upstream;
        ConnectionPool pool;
        for (int i = 0; i < 3; ++i) pool.put(dial, upstream.connect(), 2, {});
        QVERIFY(pool.take(dial));
        QVERIFY(pool.take(dial));
        QVERIFY(!pool.take(dial));
    }
};

QTEST_APPLESS_MAIN(ConnectionPoolTest)
#include "connection_pool_test.moc"
