// The `tls` directive and the certificate global options against what real Caddy 2.6.2 printed for
// the same Caddyfiles (tests/data/caddyfile_tls, see its README), and the refusals that name the
// file, line and directive for what ProxFlow does not do.
#include "caddyfile/adapter.hpp"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using nlohmann::json;
namespace cf = proxflow::caddyfile;
namespace fs = std::filesystem;

namespace {

const fs::path data_dir = fs::path(PROXFLOW_TEST_DATA) / "caddyfile_tls";

// Cases Caddy adapts that use what ProxFlow's engine does not do this session: the adapter refuses
// them at their line instead of emitting JSON the engine would reject.
const std::map<std::string, std::string> refused_cases{
    {"bind_host_edits_shared_global_issuer", "Caddyfile:6: bind: a site with bind gives its ACME issuers challenges.bind_host"},
    {"load_folders_combined", "Caddyfile:3: tls: load (certificate folders) is not supported by ProxFlow yet"},
};

std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Caddy fills `sni` and `certificates.automate` from a Go map, so their order is random there.
void normalise(json& j) {
    if (j.is_object()) {
        for (auto& [key, value] : j.items()) {
            if ((key == "sni" || key == "automate") && value.is_array()) std::sort(value.begin(), value.end());
            normalise(value);
        }
    } else if (j.is_array()) {
        for (auto& v : j) normalise(v);
    }
}

std::string adapt_error(const std::string& text) {
    try {
        cf::adapt(text, "Caddyfile");
    } catch (const cf::AdaptError& e) {
        return e.what();
    }
    return "(adapted without error)";
}

} // namespace

class TlsAdaptTest : public QObject {
    Q_OBJECT
private slots:
    void each_case_adapts_to_the_json_caddy_2_6_2_printed_data() {
        QTest::addColumn<QString>("name");
        int cases = 0;
        for (const auto& entry : fs::directory_iterator(data_dir))
            if (entry.path().extension() == ".caddyfile") {
                QTest::newRow(entry.path().stem().c_str()) << QString::fromStdString(entry.path().stem().string());
                ++cases;
            }
        QVERIFY(cases >= 25);
    }
    void each_case_adapts_to_the_json_caddy_2_6_2_printed() {
        QFETCH(QString, name);
        const fs::path base = data_dir / name.toStdString();
        std::string text = read(base.string() + ".caddyfile");
        for (auto pos = text.find("@DATA@"); pos != std::string::npos; pos = text.find("@DATA@")) text.replace(pos, 6, data_dir.string());
        if (auto refused = refused_cases.find(name.toStdString()); refused != refused_cases.end()) {
            const std::string error = adapt_error(text);
            QVERIFY2(error.starts_with(refused->second), error.c_str());
            return;
        }
        json expected = json::parse(read(base.string() + ".json"));
        json actual = cf::adapt(text, "Caddyfile");
        normalise(expected);
        normalise(actual);
        if (actual != expected) {
            const json patch = json::diff(expected, actual);
            QFAIL(("differs from Caddy: " + patch.dump()).c_str());
        }
    }

    void errors_caddy_also_reports_name_the_line() {
        QVERIFY(adapt_error("a.example.com {\n\ttls\n}\n").starts_with("Caddyfile:2: tls: wrong argument count"));
        QVERIFY(adapt_error("a.example.com {\n\ttls {\n\t\tprotocols tls1.1\n\t}\n}\n")
                    .starts_with("Caddyfile:3: tls: Wrong protocol name or protocol not supported: 'tls1.1'"));
        QVERIFY(adapt_error("a.example.com {\n\ttls {\n\t\tciphers TLS_RSA_WITH_RC4_128_SHA\n\t}\n}\n").find("Wrong cipher suite name") != std::string::npos);
        QVERIFY(adapt_error("a.example.com {\n\ttls foo\n}\n").find("single argument must either be 'internal' or an email address") != std::string::npos);
        QVERIFY(adapt_error("a.example.com {\n\ttls internal {\n\t\tca https://x\n\t}\n}\n").find("cannot create both ACME and internal") != std::string::npos);
        QVERIFY(adapt_error("a.example.com {\n\ttls a@b.c {\n\t\tissuer internal\n\t}\n}\n").find("cannot mix issuer subdirective") != std::string::npos);
        QVERIFY(adapt_error("{\n\tlocal_certs\n\tcert_issuer acme\n}\na.example.com\n").find("global options are ambiguous") != std::string::npos);
        QVERIFY(adapt_error("{\n\tlocal_certs\n}\n:443 {\n\ttls {\n\t\tissuer acme\n\t}\n}\n").find("are in conflict") != std::string::npos);
        QVERIFY(adapt_error("{\n\tkey_type ed25519\n}\n:443, localhost {\n}\nb.example.com {\n\ttls c@d.e\n}\n")
                    .find("hostname appears in more than one automation policy, making certificate management ambiguous: localhost") != std::string::npos);
        QVERIFY(adapt_error("a.example.com {\n\ttls {\n\t\talpn h2\n\t}\n\ttls {\n\t\talpn http/1.1\n\t}\n}\n").find("conflicting alpn") != std::string::npos);
        QCOMPARE(adapt_error("a.example.com {\n\troute {\n\t\ttls internal\n\t}\n}\n"),
                 std::string("Caddyfile:3: directive 'tls' is not an ordered HTTP handler, so it cannot be used here"));
        QVERIFY(adapt_error("{\n\ton_demand_tls\n}\n").find("expected at least one config parameter for on_demand_tls") != std::string::npos);
        QVERIFY(adapt_error("{\n\ton_demand_tls {\n\t\tburst x\n\t}\n}\n").starts_with("Caddyfile:3: on_demand_tls: "));
        QVERIFY(adapt_error("{\n\tstorage file_system\n}\n").find("missing root path") != std::string::npos);
        QVERIFY(adapt_error("a.example.com {\n\ttls {\n\t\tclient_auth {\n\t\t\ttrusted_ca_cert_file /nonexistent.pem\n\t\t}\n\t}\n}\n")
                    .starts_with("Caddyfile:4: tls: open /nonexistent.pem"));
    }

    void what_proxflow_does_not_do_is_refused_with_its_place() {
        // No DNS provider module is built in, in Caddy's standard build either: the same refusal.
        QVERIFY(adapt_error("a.example.com {\n\ttls {\n\t\tdns cloudflare TOKEN\n\t}\n}\n")
                    .starts_with("Caddyfile:3: tls: getting module named 'dns.providers.cloudflare': module not registered"));
        QVERIFY(adapt_error("a.example.com {\n\ttls {\n\t\tissuer acme {\n\t\t\tdns route53\n\t\t}\n\t}\n}\n")
                    .starts_with("Caddyfile:4: tls: getting module named 'dns.providers.route53'"));
        QVERIFY(adapt_error("{\n\tacme_dns cloudflare x\n}\n").starts_with("Caddyfile:2: acme_dns: getting module named 'dns.providers.cloudflare'"));
        QCOMPARE(adapt_error("{\n\tevents {\n\t\ton cert_obtained exec x\n\t}\n}\n"),
                 std::string("Caddyfile:3: events: getting module named 'events.handlers.exec': module not registered: events.handlers.exec"));
        QCOMPARE(adapt_error("a.example.com {\n\ttls {\n\t\tget_certificate tailscale\n\t}\n}\n"),
                 std::string("Caddyfile:3: tls: get_certificate tailscale is not supported by ProxFlow yet"));
        QVERIFY(adapt_error("{\n\tstorage redis\n}\n").starts_with("Caddyfile:2: storage: storage module 'redis' is not supported by ProxFlow yet"));
        QVERIFY(adapt_error("{\n\tcert_issuer vault\n}\n").starts_with("Caddyfile:2: cert_issuer: certificate issuer 'vault' is not supported by ProxFlow"));
        QVERIFY(adapt_error("a.example.com {\n\ttls {\n\t\tinsecure_secrets_log /tmp/keys\n\t}\n}\n")
                    .starts_with("Caddyfile:3: tls: insecure_secrets_log is not supported by ProxFlow yet"));
    }

    void caddys_own_refusals_of_tls_and_global_options_are_kept() {
        // Caddy 2.6.2's tls directive has no propagation or TTL lines (only `issuer acme` has the first).
        QCOMPARE(adapt_error("a.example.com {\n\ttls {\n\t\tpropagation_delay 5s\n\t}\n}\n"),
                 std::string("Caddyfile:3: tls: unknown subdirective: propagation_delay"));
        QCOMPARE(adapt_error("a.example.com {\n\ttls {\n\t\tissuer acme {\n\t\t\tdns_ttl 5s\n\t\t}\n\t}\n}\n"),
                 std::string("Caddyfile:4: tls: unrecognized ACME issuer property: dns_ttl"));
        QVERIFY(adapt_error("{\n\tpreferred_chains\n}\n").find("No options for preferred_chains received") != std::string::npos);
        QVERIFY(adapt_error("{\n\tpreferred_chains largest\n}\n").find("Invalid argument 'largest'") != std::string::npos);
        QVERIFY(adapt_error("{\n\tpreferred_chains {\n\t\troot_common_name A\n\t\tany_common_name B\n\t}\n}\n")
                    .find("Can't set any_common_name when root_common_name is already set") != std::string::npos);
        QVERIFY(adapt_error("{\n\tpki {\n\t\tca {\n\t\t\troot {\n\t\t\t\tpath /r.pem\n\t\t\t}\n\t\t}\n\t}\n}\n")
                    .find("unrecognized pki ca root option 'path'") != std::string::npos);
        QVERIFY(adapt_error("{\n\tservers {\n\t\tprotocols h1 h1\n\t}\n}\n").find("protocol h1 specified more than once") != std::string::npos);
        QVERIFY(adapt_error("{\n\tservers {\n\t\tprotocols h4\n\t}\n}\n").find("unknown protocol 'h4': expected h1, h2, h2c, or h3") != std::string::npos);
        QVERIFY(adapt_error("{\n\tservers {\n\t\tprotocols h2c\n\t\tprotocol {\n\t\t\tallow_h2c\n\t\t}\n\t}\n}\n")
                    .find("protocol h2c already specified") != std::string::npos);
        QVERIFY(adapt_error("{\n\tservers {\n\t\tbogus\n\t}\n}\n").find("unrecognized servers option 'bogus'") != std::string::npos);
        // Not global options of Caddy 2.6.2 (later versions added them).
        QCOMPARE(adapt_error("{\n\tpersist_config off\n}\n"), std::string("Caddyfile:2: persist_config: unrecognized global option: persist_config"));
        QCOMPARE(adapt_error("{\n\tfilesystem x y\n}\n"), std::string("Caddyfile:2: filesystem: unrecognized global option: filesystem"));
    }
};

QTEST_GUILESS_MAIN(TlsAdaptTest)
#include "tls_adapt_test.moc"
