// The `tls` site directive, as Caddy 2.6's parseTLS reads it. It yields config values the TLS app
// builder and the servers use: tls.cert_loader (load_files), tls.cert_issuer,
// tls.key_type, tls.on_demand, tls.cert_manager, and always one tls.connection_policy. What the engine
// does not do this session (load folders, ...) is refused at its line; the DNS challenge's options
// adapt, and the engine refuses them at run.
#include "caddyfile/directives.hpp"
#include "caddyfile/tls_modules.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace proxflow::caddyfile {
namespace {

// Go 1.19's tls.CipherSuites(): the suites Caddy accepts by name.
bool cipher_suite_supported(const std::string& name) {
    static const std::set<std::string> suites{
        "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"};
    return suites.contains(name);
}

// The first PEM block of a file as base64 DER (what Caddy puts in trusted_*_certs for *_file).
std::string certificate_file_base64(Dispenser& d, const std::string& filename) {
    std::ifstream in(filename);
    if (!in) d.fail("open " + filename + ": cannot read the file");
    std::string line, body;
    bool inside = false, found = false;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!inside && line.starts_with("-----BEGIN ")) {
            inside = true;
            found = line == "-----BEGIN CERTIFICATE-----";
            if (!found) break;
        } else if (inside && line.starts_with("-----END ")) {
            break;
        } else if (inside && line.find(':') == std::string::npos) {
            for (char c : line)
                if (c != ' ' && c != '\t') body += c;
        }
    }
    if (!found || body.empty()) d.fail("no CERTIFICATE pem block found in " + filename);
    return body;
}

json parse_client_auth(Dispenser& d) {
    json auth = json::object();
    for (const int nesting = d.nesting(); d.next_block(nesting);) {
        const std::string sub = d.val();
        if (sub == "mode") {
            if (!d.next_arg()) d.wrong_args();
            auth["mode"] = d.val();
            if (d.next_arg()) d.wrong_args();
        } else if (sub == "trusted_ca_cert" || sub == "trusted_leaf_cert") {
            if (!d.next_arg()) d.wrong_args();
            auth[sub + "s"].push_back(d.val());
        } else if (sub == "trusted_ca_cert_file" || sub == "trusted_leaf_cert_file") {
            if (!d.next_arg()) d.wrong_args();
            const std::string field = sub == "trusted_ca_cert_file" ? "trusted_ca_certs" : "trusted_leaf_certs";
            auth[field].push_back(certificate_file_base64(d, d.val()));
        } else {
            d.fail("unknown subdirective for client_auth: " + sub);
        }
    }
    return auth;
}

std::vector<ConfigValue> parse_tls(Helper& h) {
    Dispenser& d = h.d;
    d.next();
    json policy = json::object();
    json files = json::array(), tags = json::array();
    std::shared_ptr<json> acme, internal;
    std::vector<Issuer> issuers;
    std::vector<json> managers;
    std::string key_type;
    bool on_demand = false;
    const auto implicit_acme = [&]() -> json& {
        if (!acme) acme = std::make_shared<json>(json::object());
        return *acme;
    };

    const auto first_line = d.remaining_args();
    if (first_line.size() == 1) {
        if (first_line[0] == "internal") internal = std::make_shared<json>(json{{"module", "internal"}});
        else if (first_line[0].find('@') == std::string::npos) d.fail("single argument must either be 'internal' or an email address");
        else implicit_acme()["email"] = first_line[0];
    } else if (first_line.size() == 2) {
        // Each certificate file is loaded once, tagged, and the site's policy selects its tag.
        auto& known = h.groups.cert_tags;
        auto it = known.find(first_line[0]);
        if (it == known.end()) {
            it = known.emplace(first_line[0], "cert" + std::to_string(known.size())).first;
            files.push_back({{"certificate", first_line[0]}, {"key", first_line[1]}, {"tags", {it->second}}});
        }
        tags.push_back(it->second);
    } else if (!first_line.empty()) {
        d.wrong_args();
    }

    bool has_block = false;
    for (const int nesting = d.nesting(); d.next_block(nesting);) {
        has_block = true;
        const std::string sub = d.val();
        if (sub == "protocols") {
            const auto args = d.remaining_args();
            if (args.empty()) d.fail("syntax error: expected one or two protocols");
            for (std::size_t i = 0; i < args.size() && i < 2; ++i) {
                if (args[i] != "tls1.2" && args[i] != "tls1.3") d.fail("Wrong protocol name or protocol not supported: '" + args[i] + "'");
                policy[i == 0 ? "protocol_min" : "protocol_max"] = args[i];
            }
        } else if (sub == "ciphers") {
            while (d.next_arg()) {
                if (!cipher_suite_supported(d.val())) d.fail("Wrong cipher suite name or cipher suite not supported: '" + d.val() + "'");
                policy["cipher_suites"].push_back(d.val());
            }
        } else if (sub == "curves") {
            static const std::set<std::string> curves{"x25519", "secp256r1", "secp384r1", "secp521r1"};
            while (d.next_arg()) {
                if (!curves.contains(d.val())) d.fail("Wrong curve name or curve not supported: '" + d.val() + "'");
                policy["curves"].push_back(d.val());
            }
        } else if (sub == "client_auth") {
            policy["client_authentication"] = parse_client_auth(d);
        } else if (sub == "alpn") {
            const auto args = d.remaining_args();
            if (args.empty()) d.wrong_args();
            policy["alpn"] = args;
        } else if (sub == "load") {
            d.fail("load (certificate folders) is not supported by ProxFlow yet; name each certificate with tls <cert> <key>");
        } else if (sub == "ca" || sub == "key_type") {
            const auto args = d.remaining_args();
            if (args.size() != 1) d.wrong_args();
            if (sub == "ca") implicit_acme()["ca"] = args[0];
            else key_type = args[0];
        } else if (sub == "eab") {
            const auto args = d.remaining_args();
            if (args.size() != 2) d.wrong_args();
            implicit_acme()["external_account"] = {{"key_id", args[0]}, {"mac_key", args[1]}};
        } else if (sub == "ca_root") {
            const auto args = d.remaining_args();
            if (args.size() != 1) d.wrong_args();
            implicit_acme()["trusted_roots_pem_files"].push_back(args[0]);
        } else if (sub == "issuer") {
            if (!d.next_arg()) d.wrong_args();
            issuers.push_back(parse_issuer(d));
        } else if (sub == "get_certificate") {
            if (!d.next_arg()) d.wrong_args();
            managers.push_back(parse_certificate_manager(d));
        } else if (sub == "on_demand") {
            if (d.next_arg()) d.wrong_args();
            on_demand = true;
        } else if (sub == "insecure_secrets_log") {
            d.fail("insecure_secrets_log is not supported by ProxFlow yet");
        } else if (sub == "dns") {
            if (!d.next_arg()) d.wrong_args();
            refuse_dns_provider(d);
        } else if (sub == "resolvers" || sub == "dns_challenge_override_domain") {
            parse_dns_challenge_option(d, implicit_acme());
        } else {
            d.fail("unknown subdirective: " + sub);
        }
    }
    if (first_line.empty() && !has_block) d.wrong_args();

    std::vector<ConfigValue> values;
    if (!files.empty()) values.push_back({"tls.cert_loader", "tls", {{"load_files", files}}});
    if (!issuers.empty() && (acme || internal))
        d.fail("cannot mix issuer subdirective (explicit issuers) with other issuer-specific subdirectives (implicit issuers)");
    if (acme && internal) d.fail("cannot create both ACME and internal certificate issuers");
    const auto add_issuer = [&](Issuer issuer) { values.push_back({"tls.cert_issuer", "tls", nullptr, false, std::move(issuer)}); };
    for (auto& issuer : issuers) add_issuer(issuer);
    if (acme) {
        // The implicit ACME issuer is Caddy's default pair (acme, then zerossl) unless a CA is named.
        json a = *acme;
        a["module"] = "acme";
        add_issuer(std::make_shared<json>(a));
        if (!acme->contains("ca")) {
            a["module"] = "zerossl";
            add_issuer(std::make_shared<json>(a));
        }
    }
    if (internal) add_issuer(internal);
    if (!key_type.empty()) values.push_back({"tls.key_type", "tls", key_type});
    if (on_demand) values.push_back({"tls.on_demand", "tls", true});
    for (auto& m : managers) values.push_back({"tls.cert_manager", "tls", m});
    if (!tags.empty()) policy["certificate_selection"] = {{"any_tag", tags}};
    values.push_back({"tls.connection_policy", "tls", nullptr, false, std::make_shared<json>(policy)});
    return values;
}

} // namespace

void register_tls_directive(std::map<std::string, DirectiveParser>& registry) { registry["tls"] = parse_tls; }

} // namespace proxflow::caddyfile
