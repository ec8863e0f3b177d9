#include "modules/reverse_proxy/upstream.hpp"
#include "tls/rate_window.hpp"
#include "tls/acme/acme_issuer.hpp"
#include "tls/tls_app.hpp"

#include <QtTest>

#include <unistd.h>

#include <filesystem>

using namespace proxflow;
using namespace proxflow::tls;

namespace {

// Test configs are written with ' for " (moc cannot read raw string literals).
json parse(std::string text) {
    std::replace(text.begin(), text.end(), '\'', '"');
    return json::parse(text);
}

struct Loader {
    std::filesystem::path root = std::filesystem::temp_directory_path() / ("proxflow-automation-test-" + std::to_string(::getpid()));
    UsagePool hosts;
    asio::io_context io;
    ~Loader() { std::filesystem::remove_all(root); }

    // The path of the ConfigError apps.tls raises, or "" when it loads.
    std::string error_path(const std::string& tls_text) {
        try {
            load(tls_text);
        } catch (const ConfigError& e) {
            return e.path();
        }
        return "";
    }
    std::string error_text(const std::string& tls_text) {
        try {
            load(tls_text);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "";
    }
    std::shared_ptr<TlsApp> load(const std::string& tls_text) {
        BuildContext build(hosts, io, {});
        const json tls = parse(tls_text);
        return TlsApp::from_json(&tls, nullptr, Storage(root), build);
    }
};

std::string issuer(const std::string& fields) {
    return "{'automation': {'policies': [{'issuers': [{'module': 'acme'" + fields + "}]}]}}";
}

} // namespace

class AutomationConfigTest : public QObject {
    Q_OBJECT
private slots:
    void what_is_not_done_is_refused_by_path() {
        Loader l;
        const std::string p = "apps.tls.automation.policies[0]";
        QCOMPARE(l.error_path(issuer(", 'challenges': {'dns': {}}")), p + ".issuers[0].challenges.dns");
        QCOMPARE(l.error_path(issuer(", 'preferred_chains': {'smallest': true}")), p + ".issuers[0].preferred_chains");
        QCOMPARE(l.error_path(issuer(", 'account_key': 'x'")), p + ".issuers[0].account_key");
        QCOMPARE(l.error_path(issuer(", 'unknown': 1")), p + ".issuers[0].unknown");
        QCOMPARE(l.error_path(issuer(", 'challenges': {'http': {'disabled': true}, 'tls-alpn': {'disabled': true}}")),
                 p + ".issuers[0].challenges");
        QCOMPARE(l.error_path(issuer(", 'external_account': {'key_id': 'k', 'mac_key': 'not base64!'}")),
                 p + ".issuers[0].external_account.mac_key");
        QCOMPARE(l.error_path(issuer(", 'ca': 'ftp://x/dir'")), p + ".issuers[0].ca");
        QCOMPARE(l.error_path(issuer(", 'trusted_roots_pem_files': ['/nonexistent.pem']")), p + ".issuers[0]");
        QVERIFY(l.error_text("{'automation': {'policies': [{'issuers': [{'module': 'zerossl'}]}]}}").find("api_key or an email") !=
                std::string::npos);
        QCOMPARE(l.error_path("{'automation': {'policies': [{'issuers': [{'module': 'nope'}]}]}}"), p + ".issuers[0].module");
        QCOMPARE(l.error_path("{'automation': {'policies': [{'key_type': 'rsa8192'}]}}"), p + ".key_type");
        QCOMPARE(l.error_path("{'automation': {'policies': [{'get_certificate': [{'via': 'tailscale'}]}]}}"),
                 p + ".get_certificate[0].via");
        QCOMPARE(l.error_path("{'automation': {'on_demand': {'ask': 'localhost:9/ok'}}}"), std::string("apps.tls.automation.on_demand.ask"));
        QCOMPARE(l.error_path("{'automation': {'on_demand': {'rate_limit': {'interval': '1m', 'burst': 2, 'x': 1}}}}"),
                 std::string("apps.tls.automation.on_demand.rate_limit.x"));
        QCOMPARE(l.error_path(issuer(", 'challenges': {'bind_host': 'localhost'}")), p + ".issuers[0].challenges.bind_host");
        QCOMPARE(l.error_path("{'automation': {'ocsp_interval': 0}}"), std::string("apps.tls.automation.ocsp_interval"));
        QCOMPARE(l.error_path("{'automation': {'storage_clean_interval': 0}}"), std::string("apps.tls.automation.storage_clean_interval"));
    }

    void ocsp_stapling_follows_the_app_and_the_policy_managing_the_name() {
        Loader l;
        const auto app = l.load("{'automation': {'policies': [{'subjects': ['off.test'], 'disable_ocsp_stapling': true}, {'subjects': ['on.test']}]}}");
        const auto cert = [](std::string origin, std::string name) {
            auto c = std::make_shared<Certificate>();
            c->origin = std::move(origin);
            c->names.push_back(std::move(name));
            return c;
        };
        QVERIFY(!app->staples_ocsp(*cert("managed", "off.test")));
        QVERIFY(app->staples_ocsp(*cert("managed", "on.test")));
        // As Caddy: automation policies do not govern loaded certificates, only the app's switch does.
        QVERIFY(app->staples_ocsp(*cert("file", "off.test")));
        const auto off = l.load("{'disable_ocsp_stapling': true}");
        QVERIFY(!off->staples_ocsp(*cert("file", "on.test")));
        QVERIFY(!off->staples_ocsp(*cert("managed", "on.test")));
    }

    void what_caddy_writes_loads() {
        Loader l;
        const auto app = l.load(
            "{'disable_ocsp_stapling': true, 'certificates': {'automate': ['a.test']}, 'automation': {'policies': ["
            "  {'subjects': ['a.test'], 'disable_ocsp_stapling': true, 'key_type': 'p384', 'renewal_window_ratio': 0.5,"
            "   'issuers': [{'module': 'acme', 'ca': 'https://ca.test/dir', 'test_ca': 'https://ca.test/staging', 'email': 'a@b.c',"
            "                'acme_timeout': '30s', 'challenges': {'http': {'alternate_port': 8080}, 'tls-alpn': {'disabled': true}},"
            "                'external_account': {'key_id': 'k', 'mac_key': 'bWFjLWtleQ'}},"
            "               {'module': 'zerossl', 'api_key': 'secret'}]},"
            "  {'on_demand': true, 'get_certificate': [{'via': 'http', 'url': 'http://127.0.0.1:9/cert'}]}],"
            " 'on_demand': {'ask': 'http://127.0.0.1:9/ok', 'rate_limit': {'interval': '1m', 'burst': 2}},"
            " 'ocsp_interval': '1h', 'renew_interval': '30m', 'storage_clean_interval': '24h'}}");
        QVERIFY(app->on_demand() != nullptr);
        QVERIFY(l.load("{'automation': {'policies': [{'subjects': ['x.test']}]}}")->on_demand() == nullptr);
    }

    void policies_are_chosen_exact_then_wildcard_then_catch_all() {
        Loader l;
        std::vector<AutomationPolicy> policies(3);
        policies[0].subjects = {"*.wild.test"};
        policies[0].key_type = KeyType::rsa2048;
        policies[1].key_type = KeyType::p384;
        policies[2].subjects = {"a.wild.test"};
        policies[2].key_type = KeyType::ed25519;
        QCOMPARE(policy_for(policies, "a.wild.test")->key_type, KeyType::ed25519);
        QCOMPARE(policy_for(policies, "b.wild.test")->key_type, KeyType::rsa2048);
        QCOMPARE(policy_for(policies, "c.b.wild.test")->key_type, KeyType::p384);
    }

    void acme_issuer_keys_follow_certmagic() {
        Loader l;
        const auto app = l.load("{'automation': {'policies': [{'issuers': [{'module': 'acme', 'ca': 'https://127.0.0.1:14000/dir'}]}]}}");
        (void)app;
        QCOMPARE(Storage::safe_key(acme::acme_issuer_key("https://127.0.0.1:14000/dir")), std::string("127.0.0.1-14000-dir"));
        QCOMPARE(Storage::safe_key(acme::acme_issuer_key("https://acme-v02.api.letsencrypt.org/directory")),
                 std::string("acme-v02.api.letsencrypt.org-directory"));
        QCOMPARE(Storage::safe_key(acme::acme_issuer_key("https://acme.zerossl.com/v2/DV90")), std::string("acme.zerossl.com-v2-dv90"));
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
};

QTEST_APPLESS_MAIN(AutomationConfigTest)
#include "automation_config_test.moc"
