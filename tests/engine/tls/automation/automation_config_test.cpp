#include "tls/automation/automation_config.hpp"
#include "tls/automation/certificate_automation.hpp"
#include "tls/automation/rate_window.hpp"

#include <QtTest>

using namespace proxflow;
using namespace proxflow::tls;

namespace {

const Storage storage("/nonexistent/proxflow-test-storage");

// Test configs are written with ' for " (moc cannot read raw string literals).
AutomationConfig read(std::string text) {
    std::replace(text.begin(), text.end(), '\'', '"');
    const json value = json::parse(text);
    return AutomationConfig::from_json(&value, "apps.tls.automation", storage);
}

// The path of the ConfigError the config raises, or "" when it loads.
std::string error_path(const std::string& text) {
    try {
        read(text);
    } catch (const ConfigError& e) {
        return e.path();
    }
    return "";
}

std::string error_text(const std::string& text) {
    try {
        read(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

} // namespace

class AutomationConfigTest : public QObject {
    Q_OBJECT
private slots:
    void policies_are_chosen_by_subject_then_the_catch_all() {
        const auto config = read("{'policies': [ "
              "            {'subjects': ['a.test', '*.wild.test'], 'key_type': 'rsa2048', 'issuers': [{'module': 'acme', 'ca': 'https://127.0.0.1:1/dir'}]}, "
              "            {'on_demand': true, 'key_type': 'p384'}]}");
        QCOMPARE(config.policy_for("A.test").key_type, KeyType::rsa2048);
        QCOMPARE(config.policy_for("x.wild.test").key_type, KeyType::rsa2048);
        QCOMPARE(config.policy_for("y.x.wild.test").key_type, KeyType::p384);
        QVERIFY(config.policy_for("other.test").on_demand);
        QCOMPARE(config.policy_for("a.test").issuers.size(), std::size_t(1));
        QCOMPARE(config.policy_for("a.test").issuers[0]->key(), std::string("127.0.0.1:1-dir"));
        // No issuers: Caddy's defaults, Let's Encrypt then ZeroSSL.
        const auto& defaults = config.policy_for("other.test").issuers;
        QCOMPARE(defaults.size(), std::size_t(2));
        QCOMPARE(defaults[0]->key(), std::string("acme-v02.api.letsencrypt.org-directory"));
        QCOMPARE(defaults[1]->key(), std::string("acme.zerossl.com-v2-DV90"));
    }

    void what_is_not_done_is_refused_by_path() {
        QCOMPARE(error_path("{'policies': [{'issuers': [{'module': 'acme', 'challenges': {'dns': {}}}]}]}"),
                 std::string("apps.tls.automation.policies[0].issuers[0].challenges.dns"));
        QCOMPARE(error_path("{'policies': [{'issuers': [{'module': 'acme', 'preferred_chains': {'smallest': true}}]}]}"),
                 std::string("apps.tls.automation.policies[0].issuers[0].preferred_chains"));
        QCOMPARE(error_path("{'policies': [{'issuers': [{'module': 'acme', 'account_key': 'x'}]}]}"),
                 std::string("apps.tls.automation.policies[0].issuers[0].account_key"));
        QCOMPARE(error_path("{'policies': [{'issuers': [{'module': 'nope'}]}]}"),
                 std::string("apps.tls.automation.policies[0].issuers[0].module"));
        QCOMPARE(error_path("{'policies': [{'key_type': 'rsa8192'}]}"), std::string("apps.tls.automation.policies[0].key_type"));
        QCOMPARE(error_path("{'policies': [{'get_certificate': [{'via': 'tailscale'}]}]}"),
                 std::string("apps.tls.automation.policies[0].get_certificate[0].via"));
        QCOMPARE(error_path("{'policies': [{'issuers': [{'module': 'acme', 'challenges': {'http': {'disabled': true}, 'tls-alpn': {'disabled': true}}}]}]}"),
                 std::string("apps.tls.automation.policies[0].issuers[0].challenges"));
        QCOMPARE(error_path("{'policies': [{'issuers': [{'module': 'acme', 'external_account': {'key_id': 'k', 'mac_key': 'not base64!'}}]}]}"),
                 std::string("apps.tls.automation.policies[0].issuers[0].external_account.mac_key"));
        QCOMPARE(error_path("{'policies': [{'issuers': [{'module': 'acme', 'ca': 'ftp://x/dir'}]}]}"),
                 std::string("apps.tls.automation.policies[0].issuers[0].ca"));
        QCOMPARE(error_path("{'policies': [{'issuers': [{'module': 'acme', 'trusted_roots_pem_files': ['/nonexistent.pem']}]}]}"),
                 std::string("apps.tls.automation.policies[0].issuers[0]"));
        QVERIFY(error_text("{'policies': [{'issuers': [{'module': 'zerossl'}]}]}").find("api_key or an email") != std::string::npos);
        QCOMPARE(error_path("{'on_demand': {'ask': 'localhost:9/ok'}}"), std::string("apps.tls.automation.on_demand.ask"));
        QCOMPARE(error_path("{'on_demand': {'rate_limit': {'interval': '1m', 'burst': 2, 'x': 1}}}"),
                 std::string("apps.tls.automation.on_demand.rate_limit.x"));
        QCOMPARE(error_path("{'policies': [{'issuers': [{'module': 'acme', 'unknown': 1}]}]}"),
                 std::string("apps.tls.automation.policies[0].issuers[0].unknown"));
    }

    void what_caddy_writes_loads() {
        QCOMPARE(error_path("{'policies': [{'subjects': ['a.test'], 'disable_ocsp_stapling': true, 'on_demand': true, "
              "              'renewal_window_ratio': 0.5, "
              "              'issuers': [{'module': 'acme', 'ca': 'https://ca.test/dir', 'test_ca': 'https://ca.test/staging', 'email': 'a@b.c', "
              "                           'acme_timeout': '30s', 'challenges': {'http': {'alternate_port': 8080}, 'tls-alpn': {'disabled': true}}, "
              "                           'external_account': {'key_id': 'k', 'mac_key': 'bWFjLWtleQ'}}, "
              "                          {'module': 'zerossl', 'api_key': 'secret'}]}], "
              "              'on_demand': {'ask': 'http://127.0.0.1:9/ok', 'rate_limit': {'interval': '1m', 'burst': 2}}, "
              "              'ocsp_interval': '1h', 'renew_interval': '30m', 'storage_clean_interval': '24h'}"),
                 std::string());
    }

    void rate_window_allows_burst_per_interval() {
        using namespace std::chrono_literals;
        RateWindow window(60s, 2);
        const auto t0 = std::chrono::steady_clock::now();
        QVERIFY(window.allow(t0));
        QVERIFY(window.allow(t0 + 1s));
        QVERIFY(!window.allow(t0 + 2s));
        QVERIFY(!window.allow(t0 + 59s));
        QVERIFY(window.allow(t0 + 60s));
        QVERIFY(!window.allow(t0 + 60s));
        QVERIFY(RateWindow().allow(t0));
    }

    void renewal_starts_when_the_window_ratio_of_the_lifetime_is_left() {
        Certificate cert;
        const auto t0 = std::chrono::system_clock::now();
        cert.not_before = t0;
        cert.not_after = t0 + std::chrono::hours(90 * 24);
        QVERIFY(!needs_renewal(cert, 1.0 / 3, t0 + std::chrono::hours(59 * 24)));
        QVERIFY(needs_renewal(cert, 1.0 / 3, t0 + std::chrono::hours(61 * 24)));
        QVERIFY(needs_renewal(cert, 0.5, t0 + std::chrono::hours(46 * 24)));
    }
};

QTEST_APPLESS_MAIN(AutomationConfigTest)
#include "automation_config_test.moc"
