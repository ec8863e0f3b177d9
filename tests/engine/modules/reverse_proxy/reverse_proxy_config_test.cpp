// ReverseProxyConfig: Caddy 2.6.2's JSON reads back exactly as written (every reverse_proxy handler
// in the golden files and the shared corpus, which real Caddy made), only what is set is written,
// and errors name the JSON path of what is wrong.
#include "modules/reverse_proxy/reverse_proxy_config.hpp"

#include "../../json_text.hpp"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace proxflow;
using proxflow::test::q;
namespace fs = std::filesystem;

namespace {

// From the test data folder (tests/data, an absolute path), not __FILE__: ccache's base_dir makes
// that relative to the build folder, which is not where ctest runs the test.
const fs::path repo = fs::path(PROXFLOW_TEST_DATA) / ".." / "..";

ReverseProxyConfig read(const json& value, const std::string& path = "handle[0]") {
    ObjectReader r(value, path);
    return ReverseProxyConfig::from_json(r);
}

// Every reverse_proxy handler object anywhere in value, however deeply nested (routes, subroutes,
// handle_response routes).
void collect_handlers(const json& value, std::vector<json>& out) {
    if (value.is_object() && value.value("handler", "") == "reverse_proxy") out.push_back(value);
    if (value.is_structured())
        for (const auto& child : value) collect_handlers(child, out);
}

std::vector<json> handlers_in(const std::vector<fs::path>& folders) {
    std::vector<json> out;
    for (const auto& folder : folders)
        for (const auto& entry : fs::directory_iterator(folder))
            if (entry.path().extension() == ".json") {
                std::ifstream in(entry.path());
                std::stringstream text;
                text << in.rdbuf();
                collect_handlers(json::parse(text.str()), out);
            }
    return out;
}

// The message of the ConfigError value raises at routes[0].handle[1] (or "" when it is accepted),
// with the path checked first.
QString error(const char* text, const std::string& path) {
    try {
        read(json::parse(q(text)), "routes[0].handle[1]");
    } catch (const ConfigError& e) {
        if (e.path() != path) return QString::fromStdString("at " + e.path() + ": " + e.what());
        return QString::fromStdString(e.what()).mid(static_cast<int>(path.size()) + 2);
    }
    return {};
}

} // namespace

class ReverseProxyConfigTest : public QObject {
    Q_OBJECT
private slots:
    void every_handler_caddy_wrote_reads_back_unchanged() {
        std::vector<fs::path> folders{repo / "../shared/corpus/caddyfile"};
        for (const auto& module : fs::directory_iterator(repo / "tests/engine/modules"))
            if (fs::is_directory(module.path() / "golden")) folders.push_back(module.path() / "golden");
        const auto handlers = handlers_in(folders);
        QVERIFY2(handlers.size() >= 15, "the golden and corpus handlers are missing");
        for (const json& handler : handlers) {
            json expected = handler;
            expected.erase("handler");
            QCOMPARE(QString::fromStdString(read(handler).to_json().dump()), QString::fromStdString(expected.dump()));
        }
    }

    void every_field_reads_back_from_what_it_writes() {
        const json full = json::parse(q(R"({
            'transport': {'protocol': 'http', 'resolver': {'addresses': ['10.0.0.53']},
                'tls': {'server_name': 'b.internal', 'insecure_skip_verify': true, 'handshake_timeout': 5000000000,
                        'renegotiation': 'once', 'except_ports': ['8080'], 'root_ca_pem_files': ['/ca.pem']},
                'keep_alive': {'enabled': false, 'probe_interval': 1000000000, 'max_idle_conns': 4,
                               'max_idle_conns_per_host': 2, 'idle_timeout': 90000000000},
                'compression': false, 'max_conns_per_host': 8, 'dial_timeout': 3000000000,
                'dial_fallback_delay': -1, 'response_header_timeout': 30000000000, 'expect_continue_timeout': 1000000000,
                'max_response_header_size': 4096, 'write_buffer_size': 8192, 'read_buffer_size': 8192,
                'read_timeout': 10000000000, 'write_timeout': 10000000000, 'versions': ['1.1', '2']},
            'circuit_breaker': {'type': 'intelligent', 'failure_threshold': 0.25, 'recovery_timeout': 10000000000,
                                'half_open_max_requests': 5, 'latency_threshold': 2000000000, 'min_requests': 20,
                                'evaluation_window': 30000000000, 'ramp_up_duration': 0, 'failure_status': [5, 429]},
            'load_balancing': {'selection_policy': {'policy': 'cookie', 'name': 'sticky', 'secret': 's',
                                                    'fallback': {'policy': 'random_choose', 'choose': 3}},
                               'retries': 2, 'try_duration': 5000000000, 'try_interval': 100000000,
                               'retry_match': [{'method': ['POST']}]},
            'health_checks': {'active': {'path': '/old', 'uri': '/health', 'port': 8081, 'headers': {'Host': ['x']},
                                         'interval': 10000000000, 'timeout': 2000000000, 'max_size': 1024,
                                         'expect_status': 2, 'expect_body': 'ok'},
                              'passive': {'fail_duration': 30000000000, 'max_fails': 3, 'unhealthy_request_count': 100,
                                          'unhealthy_status': [5], 'unhealthy_latency': 1000000000}},
            'upstreams': [{'dial': '10.0.0.1:80', 'max_requests': 10}, {'dial': '{upstream}:80'}],
            'dynamic_upstreams': {'source': 'srv', 'name': 'api.internal', 'service': 'http', 'proto': 'tcp',
                                  'refresh': 60000000000, 'resolver': {'addresses': ['udp/10.0.0.53:53']},
                                  'dial_timeout': 1000000000, 'dial_fallback_delay': 300000000},
            'flush_interval': -1,
            'trusted_proxies': ['10.0.0.0/8'],
            'headers': {'request': {'set': {'Host': ['{http.reverse_proxy.upstream.hostport}']}}, 'response': {'delete': ['Server']}},
            'rewrite': {'method': 'GET', 'uri': '/auth'},
            'buffer_requests': true, 'buffer_responses': true, 'max_buffer_size': 1048576,
            'request_buffers': 4096, 'response_buffers': 4096,
            'handle_response': [{'match': {'status_code': [2]}, 'routes': [{'handle': [{'handler': 'copy_response'}]}]}]
        })"));
        const ReverseProxyConfig c = read(full);
        QCOMPARE(QString::fromStdString(c.to_json().dump()), QString::fromStdString(full.dump()));
        QVERIFY(read(c.to_json()) == c);
        QCOMPARE(c.load_balancing->try_duration, std::chrono::nanoseconds(std::chrono::seconds(5)));
        QCOMPARE(c.load_balancing->selection_policy->fallback->choose, 3);
        QCOMPARE(QString::fromStdString(c.upstreams[1].dial.path), QString("handle[0].upstreams[1].dial"));
    }

    void the_fastcgi_transport_reads_back_from_what_it_writes() {
        const json full = json::parse(q(R"({
            'transport': {'protocol': 'fastcgi', 'root': '/var/www', 'split_path': ['.php', '.php5'],
                          'resolve_root_symlink': true, 'env': {'A': '1', 'B': 'two'}, 'dial_timeout': 3000000000,
                          'read_timeout': 10000000000, 'write_timeout': 20000000000, 'capture_stderr': true},
            'upstreams': [{'dial': 'unix//run/php.sock'}, {'lookup_srv': '_php._tcp.internal'}]
        })"));
        const ReverseProxyConfig c = read(full);
        QVERIFY(c.fastcgi_transport && !c.transport);
        QCOMPARE(QString::fromStdString(c.to_json().dump()), QString::fromStdString(full.dump()));
        QVERIFY(read(c.to_json()) == c);
        QCOMPARE(read(json::parse(q("{'transport': {'protocol': 'fastcgi'}}"))).to_json().dump(),
                 std::string(R"({"transport":{"protocol":"fastcgi"}})"));
    }

    void defaults_write_nothing() {
        QCOMPARE(ReverseProxyConfig{}.to_json(), json::object());
        QVERIFY(read(json::parse(q("{'handler': 'reverse_proxy'}"))) == ReverseProxyConfig{});
    }

    void an_empty_object_stays_as_caddy_wrote_it() {
        // `transport http { tls }` is {"tls": {}}; an object that is there is kept, even empty.
        const json written = json::parse(q("{'transport': {'protocol': 'http', 'tls': {}}, 'health_checks': {'passive': {}}}"));
        QCOMPARE(read(written).to_json(), written);
    }

    void durations_written_as_text_read_back_as_nanoseconds() {
        const auto c = read(json::parse(q("{'load_balancing': {'try_duration': '5s', 'try_interval': '250ms'}}")));
        QCOMPARE(c.to_json(), json::parse(q("{'load_balancing': {'try_duration': 5000000000, 'try_interval': 250000000}}")));
    }

    void errors_name_the_json_path() {
        QCOMPARE(error("{'upstreams': [{'dialx': '127.0.0.1:9'}]}", "routes[0].handle[1].upstreams[0].dialx"),
                 QString("unknown field \"dialx\""));
        QCOMPARE(error("{'upstreams': [{'dial': ''}]}", "routes[0].handle[1].upstreams[0].dial"), QString("missing dial address"));
        QCOMPARE(error("{'load_balancing': {'selection_policy': {'policy': 'fastest'}}}",
                       "routes[0].handle[1].load_balancing.selection_policy.policy"),
                 QString("unknown load-balancing policy \"fastest\""));
        QCOMPARE(error("{'load_balancing': {'selection_policy': {'policy': 'random', 'choose': 3}}}",
                       "routes[0].handle[1].load_balancing.selection_policy.choose"),
                 QString("unknown field \"choose\""));
        QCOMPARE(error("{'load_balancing': {'selection_policy': {'policy': 'weighted_round_robin', 'weights': [1, -1]}}}",
                       "routes[0].handle[1].load_balancing.selection_policy.weights[1]"),
                 QString("weight must not be negative"));
        QCOMPARE(error("{'load_balancing': {'try_duration': true}}", "routes[0].handle[1].load_balancing.try_duration"),
                 QString("expected a duration (integer nanoseconds or a string like \"10s\")"));
        QCOMPARE(error("{'transport': {'protocol': 'http_ntlm'}}", "routes[0].handle[1].transport.protocol"),
                 QString("transport \"http_ntlm\" is not supported by ProxFlow yet (only http)"));
        QCOMPARE(error("{'transport': {'protocol': 'fastcgi', 'split': ['.php']}}", "routes[0].handle[1].transport.split"),
                 QString("unknown field \"split\""));
        QCOMPARE(error("{'transport': {'protocol': 'fastcgi', 'env': {'A': 1}}}", "routes[0].handle[1].transport.env.A"),
                 QString("expected a string"));
        QCOMPARE(error("{'transport': {'protocol': 'http', 'versions': ['1.0']}}", "routes[0].handle[1].transport.versions[0]"),
                 QString("unknown HTTP version \"1.0\" (1.1, 2, h2c or 3)"));
        QCOMPARE(error("{'transport': {'protocol': 'http', 'max_conns_per_host': -1}}",
                       "routes[0].handle[1].transport.max_conns_per_host"),
                 QString("must not be negative"));
        QCOMPARE(error("{'transport': {'protocol': 'http', 'resolver': {'addresses': ['tcp/1.1.1.1:53']}}}",
                       "routes[0].handle[1].transport.resolver.addresses[0]"),
                 QString("resolver \"tcp/1.1.1.1:53\": only UDP resolvers are supported by ProxFlow yet"));
        QVERIFY(error("{'health_checks': {'active': {'expect_body': '('}}}", "routes[0].handle[1].health_checks.active.expect_body")
                    .startsWith("invalid regular expression"));
        QCOMPARE(error("{'health_checks': {'passive': {'max_fails': 'three'}}}", "routes[0].handle[1].health_checks.passive.max_fails"),
                 QString("expected an integer, got string"));
        QCOMPARE(error("{'dynamic_upstreams': {'source': 'multi'}}", "routes[0].handle[1].dynamic_upstreams.source"),
                 QString("dynamic upstreams source \"multi\" is not supported by ProxFlow yet"));
        QCOMPARE(error("{'headers': {'request': {}, 'up': {}}}", "routes[0].handle[1].headers.up"), QString("unknown field \"up\""));
    }

    void what_proxflow_cannot_run_yet_is_refused_at_its_path() {
        const auto refusal = [](const char* text) -> std::string {
            try {
                read(json::parse(q(text))).check_supported("h");
            } catch (const ConfigError& e) {
                return e.path();
            }
            return {};
        };
        QCOMPARE(refusal("{'upstreams': [{'dial': 'a:1'}]}"), std::string());
        QCOMPARE(refusal("{}"), std::string("h.upstreams"));
        QCOMPARE(refusal("{'upstreams': [{'dial': 'a:1'}], 'transport': {'protocol': 'http', 'tls': {}}}"), std::string("h.transport.tls"));
        QCOMPARE(refusal("{'upstreams': [{'dial': 'a:1'}], 'transport': {'protocol': 'http', 'versions': ['1.1', 'h2c']}}"),
                 std::string("h.transport.versions[1]"));
        QCOMPARE(refusal("{'dynamic_upstreams': {'source': 'a', 'name': 'x'},"
                         " 'load_balancing': {'selection_policy': {'policy': 'weighted_round_robin'}}}"),
                 std::string("h.load_balancing.selection_policy"));
        QCOMPARE(refusal("{'dynamic_upstreams': {'source': 'a', 'name': 'x', 'dial_fallback_delay': '1s'}}"),
                 std::string("h.dynamic_upstreams.dial_fallback_delay"));
        QCOMPARE(refusal("{'upstreams': [{'dial': 'a:1'}], 'buffer_requests': true}"), std::string("h.buffer_requests"));
        QCOMPARE(refusal("{'upstreams': [{'dial': 'a:1'}], 'transport': {'protocol': 'fastcgi', 'split_path': ['.php']}}"),
                 std::string("h.transport"));
        QCOMPARE(refusal("{'upstreams': [{'dial': 'a:1'}, {'lookup_srv': '_http._tcp.example.com'}]}"),
                 std::string("h.upstreams[1].lookup_srv"));
    }
};

QTEST_APPLESS_MAIN(ReverseProxyConfigTest)
#include "reverse_proxy_config_test.moc"
