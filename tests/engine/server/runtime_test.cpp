#include "server/runtime.hpp"

#include "modules/reverse_proxy/upstream.hpp"

#include "../json_text.hpp"

#include <QtTest>

using namespace proxflow;
using proxflow::test::q;

namespace {

QString error_path(const std::string& config) {
    UsagePool hosts;
    asio::io_context io;
    try {
        Runtime::build(json::parse(config), hosts, io);
    } catch (const ConfigError& e) {
        return QString::fromStdString(e.path());
    }
    return "<accepted>";
}

} // namespace

class RuntimeTest : public QObject {
    Q_OBJECT
private slots:
    void a_body_may_pause_60_seconds_a_read_unless_read_timeout_bounds_the_whole_request() {
        UsagePool hosts;
        asio::io_context io;
        auto rt = Runtime::build(json::parse(q("{'apps': {'http': {'servers': {"
            "'a': {'listen': ['127.0.0.1:8080']}, 'b': {'listen': ['127.0.0.1:8081'], 'read_timeout': '5s'}}}}}")),
                                 hosts, io);
        QCOMPARE(rt->server_for("127.0.0.1:8080")->timeouts.body_read_gap(), std::chrono::nanoseconds(std::chrono::seconds(60)));
        QCOMPARE(rt->server_for("127.0.0.1:8081")->timeouts.body_read_gap(), std::chrono::nanoseconds(0));
    }

    void a_valid_config_builds_one_server_per_entry() {
        UsagePool hosts;
        asio::io_context io;
        auto rt = Runtime::build(json::parse(q("{'apps': {'http': {'servers': {"
            "'a': {'listen': ['127.0.0.1:8080'], 'routes': [{'handle': [{'handler': 'reverse_proxy', 'upstreams': [{'dial': '127.0.0.1:9000'}]}]}]},"
            "'b': {'listen': ['127.0.0.1:8081-8082']}}}}}")),
                                 hosts, io);
        QCOMPARE(rt->servers.size(), std::size_t(2));
        QVERIFY(rt->server_for("127.0.0.1:8082") != nullptr);
        QCOMPARE(QString::fromStdString(rt->server_for("127.0.0.1:8080")->name), QString("a"));
    }

    void errors_name_the_json_path_of_what_is_wrong() {
        QCOMPARE(error_path(q("{'apps': {'http': {'servers': {'srv0': {'listen': [':80'], 'routes': [{}, {}, {'handle': [{'handler': 'reverse_proxy', 'upstreams': [{'dial': 'a:1'}, {'dial': 'nope'}]}]}]}}}}}")),
                 QString("apps.http.servers.srv0.routes[2].handle[0].upstreams[1].dial"));
        QCOMPARE(error_path(q("{'apps': {'http': {'servers': {'s': {'listen': [':80'], 'routes': [{'handle': [{'handler': 'teleport'}]}]}}}}}")),
                 QString("apps.http.servers.s.routes[0].handle[0].handler"));
        QCOMPARE(error_path(q("{'apps': {'http': {'servers': {'s': {'listen': ['1.2.3.4.5:80']}}}}}")),
                 QString("apps.http.servers.s.listen[0]"));
        QCOMPARE(error_path(q("{'apps': {'htp': {}}}")), QString("apps.htp"));
        QCOMPARE(error_path(q("{'admin': {'listen': ':1', 'enforce_origins': true}}")), QString("admin.enforce_origins"));
    }

    void two_servers_cannot_share_a_listener() {
        QCOMPARE(error_path(q("{'apps': {'http': {'servers': {'a': {'listen': ['127.0.0.1:80']}, 'b': {'listen': ['127.0.0.1:80']}}}}}")),
                 QString("apps.http.servers.b.listen"));
    }
};

QTEST_APPLESS_MAIN(RuntimeTest)
#include "runtime_test.moc"
