#include "server/automatic_https.hpp"
#include "tls/connection_policy.hpp"
#include "tls/server_tls.hpp"
#include "tls/tls_app.hpp"

#include "../json_text.hpp"

#include <QtTest>

using namespace proxflow;
using namespace proxflow::tls;
using proxflow::test::q;

namespace {
std::unique_ptr<ServerTls> policies(const std::string& text) {
    auto tls = std::make_unique<ServerTls>();
    const json list = json::parse(text);
    for (std::size_t i = 0; i < list.size(); ++i) tls->policies.push_back(ConnectionPolicy::from_json(list[i], "p"));
    return tls;
}
std::string error_of(const std::string& text) {
    try {
        ConnectionPolicy::from_json(json::parse(text), "p");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}
} // namespace

class ConnectionPolicyTest : public QObject {
    Q_OBJECT
private slots:
    void the_first_matching_policy_wins() {
        auto tls = policies(q("[{'match': {'sni': ['a.example.com']}}, {'match': {'sni': ['*.example.com']}}, {}]"));
        QCOMPARE(tls->policy_for("a.example.com"), tls->policies[0].get());
        QCOMPARE(tls->policy_for("B.example.com"), tls->policies[1].get());
        QCOMPARE(tls->policy_for("x.y.example.com"), tls->policies[2].get());
        QCOMPARE(tls->policy_for(""), tls->policies[2].get());
    }

    void no_policy_for_an_unmatched_name() {
        auto tls = policies(q("[{'match': {'sni': ['a.example.com']}}]"));
        QVERIFY(!tls->policy_for("b.example.com"));
        QVERIFY(!tls->policy_for(""));
    }

    void client_auth_mode_defaults_follow_caddy() {
        auto leaf_only = ConnectionPolicy::from_json(json::parse(q("{'client_authentication': {}}")), "p");
        QCOMPARE(int(leaf_only->client_auth()), int(ClientAuthMode::none));
        auto explicit_mode = ConnectionPolicy::from_json(json::parse(q("{'client_authentication': {'mode': 'verify_if_given'}}")), "p");
        QCOMPARE(int(explicit_mode->client_auth()), int(ClientAuthMode::verify_if_given));
    }

    void what_is_not_served_is_refused_with_its_path() {
        QVERIFY(error_of(q("{'alpn': ['h2']}")).starts_with("p.alpn[0]: ALPN \"h2\""));
        QVERIFY(error_of(q("{'protocol_min': 'tls1.0'}")).starts_with("p.protocol_min: unsupported protocol"));
        QVERIFY(error_of(q("{'curves': ['x448']}")).starts_with("p.curves[0]: unsupported curve"));
        QVERIFY(error_of(q("{'cipher_suites': ['TLS_NOPE']}")).starts_with("p.cipher_suites[0]: unsupported cipher suite"));
        QVERIFY(error_of(q("{'match': {'remote_ip': {}}}")).starts_with("p.match.remote_ip:"));
        QVERIFY(error_of(q("{'client_authentication': {'mode': 'maybe'}}")).starts_with("p.client_authentication.mode:"));
        QVERIFY(error_of(q("{'surprise': 1}")).starts_with("p.surprise:"));
    }

    void go_cipher_names_are_accepted() {
        QCOMPARE(error_of(q("{'cipher_suites': ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256']}")), std::string());
    }

    void internal_names_follow_certmagic() {
        QVERIFY(subject_is_internal("localhost"));
        QVERIFY(subject_is_internal("a.localhost"));
        QVERIFY(subject_is_internal("printer.local"));
        QVERIFY(subject_is_internal("db.internal"));
        QVERIFY(subject_is_internal("intranet"));
        QVERIFY(subject_is_internal("127.0.0.1"));
        QVERIFY(subject_is_internal("::1"));
        QVERIFY(!subject_is_internal("example.com"));
        QVERIFY(subject_qualifies_for_cert("*.example.com"));
        QVERIFY(!subject_qualifies_for_cert("a.*.example.com"));
        QVERIFY(!subject_qualifies_for_cert("{http.request.host}"));
    }

    void automatic_https_adds_a_policy_certificates_and_redirects() {
        const json http = json::parse(q("{'servers': {'s': {'listen': ['127.0.0.1:8443'], "
                                        "'routes': [{'match': [{'host': ['localhost', 'skipme.localhost']}]}], "
                                        "'automatic_https': {'skip_certificates': ['skipme.localhost']}}}}"));
        const auto plan = plan_automatic_https(http, AutomaticHttpsInputs{8080, 443, {}});
        QCOMPARE(plan.cert_names, std::vector<std::string>{"localhost"});
        QCOMPARE(plan.http_app["servers"]["s"]["tls_connection_policies"], json::parse("[{}]"));
        const auto& redirect = plan.http_app["servers"]["remaining_auto_https_redirects"];
        QCOMPARE(redirect["listen"], json::parse(q("['127.0.0.1:8080']")));
        QCOMPARE(redirect["routes"][0]["handle"][0]["headers"]["Location"][0].get<std::string>(),
                 std::string("https://{http.request.host}:8443{http.request.uri}"));
        QCOMPARE(redirect["routes"][1]["handle"][0]["headers"]["Location"][0].get<std::string>(),
                 std::string("https://{http.request.host}{http.request.uri}"));
    }

    void a_server_only_on_the_http_port_stays_plain() {
        const json http = json::parse(q("{'servers': {'s': {'listen': [':8080'], 'routes': [{'match': [{'host': ['localhost']}]}]}}}"));
        const auto plan = plan_automatic_https(http, AutomaticHttpsInputs{8080, 443, {}});
        QVERIFY(plan.cert_names.empty());
        QVERIFY(!plan.http_app["servers"]["s"].contains("tls_connection_policies"));
    }
};

QTEST_APPLESS_MAIN(ConnectionPolicyTest)
#include "connection_policy_test.moc"
