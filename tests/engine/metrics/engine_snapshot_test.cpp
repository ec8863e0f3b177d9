// Engine::metrics_snapshot, the API the console calls from its own thread, read in a loop while the
// engine's two worker threads serve real HTTP traffic on 127.0.0.1.
#include "core/engine.hpp"

#include <QtTest>

#include <boost/beast/http.hpp>

#include <atomic>
#include <thread>

using namespace proxflow;

namespace {

unsigned short free_port() {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
}

std::uint64_t requests_of(const std::vector<metrics::ServerStats>& list, const std::string& name) {
    for (const auto& s : list)
        if (s.name == name) return s.requests;
    return 0;
}

struct Totals {
    std::uint64_t requests = 0, srv0 = 0, srv1 = 0, route0 = 0, route1 = 0, upstream = 0, upstream_latency = 0;
    static Totals of(const metrics::Snapshot& s, const std::string& upstream_dial) {
        Totals t{s.requests, requests_of(s.servers, "srv0"), requests_of(s.servers, "srv1"),
                 requests_of(s.routes, "srv0 routes[0]"), requests_of(s.routes, "srv0 routes[1]"), 0, 0};
        for (const auto& u : s.upstreams)
            if (u.address == upstream_dial) {
                t.upstream = u.requests;
                t.upstream_latency = u.latency.total;
            }
        return t;
    }
    bool at_least(const Totals& o) const {
        return requests >= o.requests && srv0 >= o.srv0 && srv1 >= o.srv1 && route0 >= o.route0 && route1 >= o.route1 &&
               upstream >= o.upstream && upstream_latency >= o.upstream_latency;
    }
};

} // namespace

class EngineSnapshotTest : public QObject {
    Q_OBJECT
private slots:
    void snapshots_taken_during_traffic_only_grow_and_end_exact() {
        const auto port = free_port(), backend = free_port();
        const std::string backend_dial = "127.0.0.1:" + std::to_string(backend);
        Engine engine(EngineOptions{2});
        // srv0: /proxied goes through reverse_proxy to srv1, the rest is answered at once.
        engine.load(json::parse(R"({"admin": {"disabled": true}, "apps": {"http": {"servers": {
            "srv0": {"listen": ["127.0.0.1:)" + std::to_string(port) + R"("], "routes": [
                {"match": [{"path": ["/proxied"]}], "handle": [{"handler": "reverse_proxy", "upstreams": [{"dial": ")" +
                                backend_dial + R"("}]}]},
                {"handle": [{"handler": "static_response", "body": "ok"}]}]},
            "srv1": {"listen": [")" + backend_dial + R"("], "routes": [{"handle": [{"handler": "static_response", "body": "up"}]}]}}}}})"));

        constexpr int clients = 4, per_client = 1500;
        std::atomic<int> finished{0};
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        for (int c = 0; c < clients; ++c)
            threads.emplace_back([&, c] {
                try {
                    asio::io_context io;
                    beast::tcp_stream stream(io);
                    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
                    beast::flat_buffer buffer;
                    for (int i = 0; i < per_client; ++i) {
                        http::request<http::empty_body> req{http::verb::get, (i + c) % 2 ? "/proxied" : "/", 11};
                        req.set(http::field::host, "t");
                        http::write(stream, req);
                        http::response<http::string_body> res;
                        http::read(stream, buffer, res);
                        if (res.result_int() != 200) ++failures;
                    }
                } catch (const std::exception&) {
                    ++failures;
                }
                ++finished;
            });

        // The console's view: snapshots from a thread of its own, full and light ones alternating.
        Totals last;
        int snapshots = 0, backwards = 0;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (finished.load() < clients && std::chrono::steady_clock::now() < deadline) {
            const auto snap = engine.metrics_snapshot(snapshots % 2 == 0);
            const auto now = Totals::of(snap, backend_dial);
            if (!now.at_least(last)) ++backwards;
            last = now;
            ++snapshots;
        }
        for (auto& t : threads) t.join();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(backwards, 0);
        QVERIFY2(snapshots >= 5, qPrintable(QString::number(snapshots)));

        // A request is counted just after its response is written: wait (bounded) for the last ones.
        constexpr std::uint64_t sent = clients * per_client, proxied = sent / 2;
        Totals end;
        for (int i = 0; i < 100; ++i) {
            end = Totals::of(engine.metrics_snapshot(), backend_dial);
            if (end.srv0 == sent && end.srv1 == proxied) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        qInfo("%d snapshots during %llu requests", snapshots, static_cast<unsigned long long>(sent + proxied));
        QCOMPARE(end.srv0, sent);
        QCOMPARE(end.srv1, proxied);
        QCOMPARE(end.requests, sent + proxied);
        QCOMPARE(end.route0, proxied);
        QCOMPARE(end.route1, sent - proxied);
        QCOMPARE(end.upstream, proxied);
        QCOMPARE(end.upstream_latency, proxied);
        engine.stop();
        engine.wait();
    }
};

QTEST_APPLESS_MAIN(EngineSnapshotTest)
#include "engine_snapshot_test.moc"
