// Export of TLS settings: the JSON real Caddy 2.6.2 made of ProxFlow's TLS cases exports to a
// Caddyfile that adapts back to it, and shapes no Caddyfile makes are refused at their JSON path.
#include "caddyfile/adapter.hpp"
#include "caddyfile/exporter.hpp"

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

json read_json(const fs::path& p) {
    std::ifstream in(p);
    return json::parse(in);
}

void sort_sets(json& j) {
    if (j.is_object()) {
        for (auto& [key, value] : j.items()) {
            if ((key == "sni" || key == "automate") && value.is_array()) std::sort(value.begin(), value.end());
            sort_sets(value);
        }
    } else if (j.is_array()) {
        for (auto& v : j) sort_sets(v);
    }
}

std::string export_error(const json& config) {
    try {
        cf::export_caddyfile(config);
    } catch (const cf::ExportError& e) {
        return e.what();
    }
    return "(exported)";
}

json one_site(json tls_app) {
    return {{"apps", {{"tls", std::move(tls_app)},
                      {"http", {{"servers", {{"srv0", {{"listen", {":443"}}, {"routes", {{{"match", {{{"host", {"a.example.com"}}}}}, {"terminal", true}}}}}}}}}}}}};
}

} // namespace

class TlsExportTest : public QObject {
    Q_OBJECT
private slots:
    void caddys_tls_json_exports_to_a_caddyfile_that_adapts_back_to_it() {
        int exported = 0, refused = 0;
        for (const auto& entry : fs::directory_iterator(data_dir)) {
            if (entry.path().extension() != ".json") continue;
            const std::string name = entry.path().stem().string();
            json source = read_json(entry.path());
            std::string text;
            try {
                text = cf::export_caddyfile(source).caddyfile;
            } catch (const cf::ExportError& e) {
                // Only Caddy's pointer sharing makes the first (both servers show the last listener's
                // SNI); the others hold what ProxFlow does not support yet.
                static const std::map<std::string, std::string> refusals{
                    {"connection_policy_shared_across_listeners", "apps.http.servers.srv0.tls_connection_policies"},
                    {"bind_host_edits_shared_global_issuer", "apps.tls.automation.policies[0].issuers[0].challenges.bind_host: "},
                    {"load_folders_combined", "apps.tls.certificates.load_folders: "}};
                const auto expected = refusals.find(name);
                QVERIFY2(expected != refusals.end(), (name + ": " + e.what()).c_str());
                QVERIFY2(std::string(e.what()).starts_with(expected->second), e.what());
                ++refused;
                continue;
            }
            json back = cf::adapt(text, "Caddyfile");
            sort_sets(source);
            sort_sets(back);
            for (const char* part : {"tls", "pki"}) {
                const json a = source["apps"].value(part, json()), b = back["apps"].value(part, json());
                QVERIFY2(a == b, (name + ": apps." + part + " differs: " + json::diff(a, b).dump() + "\n" + text).c_str());
            }
            QVERIFY2(source.value("storage", json()) == back.value("storage", json()), name.c_str());
            ++exported;
        }
        QCOMPARE(refused, 3);
        QVERIFY(exported >= 39);
    }

    void a_policy_field_without_a_caddyfile_form_is_refused_at_its_path() {
        const json config = one_site({{"automation", {{"policies", {{{"subjects", {"a.example.com"}}, {"must_staple", true}}}}}}});
        QVERIFY(export_error(config).starts_with("apps.tls.automation.policies[0].must_staple: "));
    }

    void dns_challenge_fields_caddyfiles_cannot_say_are_refused_at_their_path() {
        const auto with_dns = [](json dns) {
            return one_site({{"automation", {{"policies", {{{"subjects", {"a.example.com"}},
                                                             {"issuers", {{{"module", "acme"}, {"challenges", {{"dns", std::move(dns)}}}}}}}}}}}});
        };
        QVERIFY(export_error(with_dns({{"provider", {{"name", "cloudflare"}}}})).starts_with("apps.tls.automation.policies[0].issuers[0].challenges.dns.provider: "));
        QVERIFY(export_error(with_dns({{"ttl", 60000000000}})).starts_with("apps.tls.automation.policies[0].issuers[0].challenges.dns.ttl: "));
    }

    void a_chain_preference_caddy_cannot_parse_is_refused_at_its_path() {
        const json config = one_site({{"automation", {{"policies", {{{"subjects", {"a.example.com"}},
                                                                       {"issuers", {{{"module", "acme"}, {"preferred_chains", {{"smallest", true}, {"root_common_name", {"X"}}}}}}}}}}}}});
        QVERIFY(export_error(config).starts_with("apps.tls.automation.policies[0].issuers[0].preferred_chains: "));
    }

    void a_tls_field_of_the_wrong_type_is_refused_not_crashed_on() {
        const json config = one_site({{"automation", {{"policies", {{{"issuers", {{{"module", 5}}}}}}}}}});
        QVERIFY(export_error(config).starts_with("apps.tls: a TLS field has an unexpected type"));
    }

    void a_policy_the_sites_cannot_make_is_refused_with_the_difference() {
        // key_type on a subject that no site has, beside a site that has none: no Caddyfile makes it.
        const json config = one_site({{"automation", {{"policies", {{{"subjects", {"a.example.com"}}, {"key_type", "p256"}},
                                                                      {{"subjects", {"b.example.com"}}, {"key_type", "p384"}}}}}}});
        const std::string error = export_error(config);
        QVERIFY2(error.starts_with("apps.tls") && error.find("no Caddyfile form that adapts back the same") != std::string::npos, error.c_str());
    }
};

QTEST_GUILESS_MAIN(TlsExportTest)
#include "tls_export_test.moc"
