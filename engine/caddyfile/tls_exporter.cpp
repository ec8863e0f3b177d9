// Native TLS config -> `tls` directives and certificate global options; see tls_exporter.hpp.
#include "caddyfile/tls_exporter.hpp"

#include "caddyfile/exporter.hpp"
#include "caddyfile/site_address.hpp"
#include "config/object_reader.hpp"

#include <algorithm>
#include <set>

namespace proxflow::caddyfile {
namespace {

using nlohmann::json;

std::string duration(const json& value, const std::string& path) { return format_duration(parse_duration(value, path)); }

std::string str(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::string words(const json& list) {
    std::string out;
    for (const auto& v : list) out += " " + quote(str(v));
    return out;
}

void only_keys(const json& object, const std::set<std::string>& known, const std::string& path, const std::string& what) {
    if (!object.is_object()) throw ExportError(path, "expected an object");
    for (const auto& [key, value] : object.items())
        if (!known.contains(key)) throw ExportError(path + "." + key, what + " has no Caddyfile form");
}

// preferred_chains as Caddy's ParseCaddyfilePreferredChainsOptions reads it: `smallest` alone, or one
// of the common-name lists.
std::vector<std::string> preferred_chains_lines(const json& chains, const std::string& path) {
    only_keys(chains, {"smallest", "root_common_name", "any_common_name"}, path, "this chain preference");
    if (chains.contains("smallest")) {
        if (chains["smallest"] != true) throw ExportError(path + ".smallest", "only true has a Caddyfile form (preferred_chains smallest)");
        if (chains.size() > 1) throw ExportError(path, "smallest with common names has no Caddyfile form (Caddy accepts no block after smallest)");
        return {"preferred_chains smallest"};
    }
    if (chains.size() != 1) throw ExportError(path, "a chain preference names root_common_name or any_common_name, not both nor neither, in a Caddyfile");
    // The one entry by its iterator: items().begin() is a temporary, and *it refers into it.
    const auto entry = chains.begin();
    const std::string& key = entry.key();
    const json& names = entry.value();
    if (!names.is_array() || names.empty()) throw ExportError(path + "." + key, "an empty list has no Caddyfile form");
    return {"preferred_chains {", "\t" + key + words(names), "}"};
}

// The DNS challenge's options an ACME issuer block can say (the provider needs a DNS provider module,
// and the TTL has no Caddyfile form in Caddy 2.6.2).
std::vector<std::string> dns_challenge_lines(const json& dns, const std::string& path) {
    only_keys(dns, {"propagation_delay", "propagation_timeout", "resolvers", "override_domain"}, path,
              "this DNS challenge option (a DNS provider module, the TTL)");
    std::vector<std::string> lines;
    if (dns.contains("propagation_delay")) lines.push_back("propagation_delay " + duration(dns["propagation_delay"], path + ".propagation_delay"));
    if (dns.contains("propagation_timeout")) {
        const json& t = dns["propagation_timeout"];
        lines.push_back("propagation_timeout " + (t == -1 ? std::string("-1") : duration(t, path + ".propagation_timeout")));
    }
    if (dns.contains("resolvers")) {
        if (dns["resolvers"].empty()) throw ExportError(path + ".resolvers", "an empty list has no Caddyfile form");
        lines.push_back("resolvers" + words(dns["resolvers"]));
    }
    if (dns.contains("override_domain")) lines.push_back("dns_challenge_override_domain " + quote(str(dns["override_domain"])));
    // An empty challenges.dns is what `propagation_delay 0` leaves.
    if (lines.empty()) lines.push_back("propagation_delay 0");
    return lines;
}

// The ACME issuer's options (acme and zerossl), as lines of its block.
std::vector<std::string> acme_lines(const json& issuer, const std::string& path) {
    std::vector<std::string> lines;
    for (const auto& [key, value] : issuer.items()) {
        const std::string p = path + "." + key;
        if (key == "module" || key == "ca" || key == "api_key") continue;
        if (key == "email") lines.push_back("email " + quote(str(value)));
        else if (key == "test_ca") lines.push_back("test_dir " + quote(str(value)));
        else if (key == "acme_timeout") lines.push_back("timeout " + duration(value, p));
        else if (key == "external_account") {
            only_keys(value, {"key_id", "mac_key"}, p, "this external account field");
            lines.push_back("eab " + quote(value.value("key_id", "")) + " " + quote(value.value("mac_key", "")));
        } else if (key == "trusted_roots_pem_files") lines.push_back("trusted_roots" + words(value));
        else if (key == "preferred_chains") {
            for (auto& l : preferred_chains_lines(value, p)) lines.push_back(l);
        } else if (key == "challenges") {
            only_keys(value, {"http", "tls-alpn", "dns"}, p, "this challenge option (bind_host comes from a site's bind, which ProxFlow refuses with ACME issuers)");
            if (value.contains("dns"))
                for (auto& l : dns_challenge_lines(value["dns"], p + ".dns")) lines.push_back(l);
            for (const char* which : {"http", "tls-alpn"}) {
                if (!value.contains(which)) continue;
                const json& c = value[which];
                only_keys(c, {"disabled", "alternate_port"}, p + "." + which, "this challenge option");
                const std::string name = std::string(which) == "http" ? "http" : "tlsalpn";
                if (c.value("disabled", false)) lines.push_back("disable_" + name + "_challenge");
                if (c.contains("alternate_port")) lines.push_back("alt_" + name + "_port " + str(c["alternate_port"]));
                if (c.empty()) lines.push_back("alt_" + name + "_port 0");
            }
        } else throw ExportError(p, "this ACME issuer option has no Caddyfile form");
    }
    return lines;
}

// `<module> [arg] { ... }` of one issuer, without the leading word (issuer / cert_issuer).
std::vector<std::string> issuer_lines(const json& issuer, const std::string& path) {
    const std::string module = issuer.value("module", "");
    std::string head = module;
    std::vector<std::string> body;
    if (module == "acme" || module == "zerossl") {
        const char* arg = module == "acme" ? "ca" : "api_key";
        if (issuer.contains(arg)) head += " " + quote(str(issuer[arg]));
        if (module == "zerossl" && issuer.contains("ca")) body.push_back("dir " + quote(str(issuer["ca"])));
        for (auto& l : acme_lines(issuer, path)) body.push_back(l);
    } else if (module == "internal") {
        only_keys(issuer, {"module", "ca", "lifetime", "sign_with_root"}, path, "this internal issuer option");
        if (issuer.contains("ca")) body.push_back("ca " + quote(str(issuer["ca"])));
        if (issuer.contains("lifetime")) body.push_back("lifetime " + duration(issuer["lifetime"], path + ".lifetime"));
        if (issuer.value("sign_with_root", false)) body.push_back("sign_with_root");
    } else {
        throw ExportError(path + ".module", "issuer '" + module + "' has no Caddyfile form in ProxFlow");
    }
    if (body.empty()) return {head};
    std::vector<std::string> lines{head + " {"};
    for (auto& l : body) lines.push_back("\t" + l);
    lines.push_back("}");
    return lines;
}

void append_prefixed(std::vector<std::string>& out, const std::string& word, std::vector<std::string> lines, const std::string& indent) {
    for (std::size_t i = 0; i < lines.size(); ++i) out.push_back(indent + (i == 0 ? word + " " : "") + lines[i]);
}

const json& policies_of(const json& config) {
    static const json none = json::array();
    const json* p = &config;
    for (const char* k : {"apps", "tls", "automation", "policies"}) {
        if (!p->contains(k)) return none;
        p = &(*p)[k];
    }
    return *p;
}

bool is_catch_all_in_site(const json& policy) { return policy.contains("on_demand") || policy.contains("get_certificate"); }

// The ACME fields global options can fill in, without the module's own ones.
json acme_fields(json issuer) {
    issuer.erase("module");
    return issuer;
}

// The global options whose defaults turn into exactly these issuers (Caddy's default acme+zerossl
// pair, or one issuer for acme_ca), or null when they cannot.
json acme_options_for(const json& issuers) {
    if (issuers.empty() || !std::all_of(issuers.begin(), issuers.end(), [](const json& i) {
            const std::string m = i.value("module", "");
            return (m == "acme" || m == "zerossl") && !i.contains("api_key");
        }))
        return nullptr;
    const json fields = acme_fields(issuers[0]);
    if (issuers.size() == 2) {
        if (issuers[0]["module"] != "acme" || issuers[1]["module"] != "zerossl" || acme_fields(issuers[1]) != fields || fields.contains("ca")) return nullptr;
    } else if (issuers.size() == 1) {
        const std::string ca = fields.value("ca", "");
        const bool zerossl = ca.find("zerossl") != std::string::npos;
        if (ca.empty() || (issuers[0]["module"] == "zerossl") != zerossl) return nullptr;
    } else {
        return nullptr;
    }
    for (const auto& [key, value] : fields.items()) {
        if (key == "trusted_roots_pem_files" && value.size() == 1) continue;
        if (key != "email" && key != "ca" && key != "external_account" && key != "preferred_chains") return nullptr;
    }
    return fields;
}

// sni and automate lists are sets (Caddy fills them from a Go map in random order).
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

} // namespace

TlsExporter::TlsExporter(const json& config) : config_(config) {
    if (config.contains("storage")) {
        const json& s = config["storage"];
        if (s.value("module", "") != "file_system") throw ExportError("storage.module", "only the file_system storage has a Caddyfile form in ProxFlow");
        only_keys(s, {"module", "root"}, "storage", "this storage option");
        if (!s.contains("root")) throw ExportError("storage", "a file_system storage without a root has no Caddyfile form");
        has_tls_ = true;
    }
    const json apps = config.value("apps", json::object());
    if (apps.contains("tls")) {
        has_tls_ = true;
        const json& tls = apps["tls"];
        only_keys(tls, {"certificates", "automation", "disable_ocsp_stapling"}, "apps.tls", "this TLS app field");
        if (tls.contains("certificates"))
            only_keys(tls["certificates"], {"load_files", "automate"}, "apps.tls.certificates",
                      "this certificate loader (ProxFlow's Caddyfile writes load_files and automate)");
        if (tls.contains("automation")) {
            only_keys(tls["automation"], {"policies", "on_demand", "renew_interval", "ocsp_interval", "storage_clean_interval"},
                      "apps.tls.automation", "this automation field");
            const json& ps = policies_of(config);
            for (std::size_t i = 0; i < ps.size(); ++i) {
                const std::string p = "apps.tls.automation.policies[" + std::to_string(i) + "]";
                only_keys(ps[i], {"subjects", "issuers", "get_certificate", "key_type", "on_demand", "disable_ocsp_stapling"}, p,
                          "this automation policy field");
                if (!ps[i].contains("subjects") && catch_all_policy_.is_null()) catch_all_policy_ = ps[i];
            }
        }
    }
    if (apps.contains("pki")) {
        has_tls_ = true;
        only_keys(apps["pki"], {"certificate_authorities"}, "apps.pki", "this PKI app field");
    }
    const json servers = apps.value("http", json::object()).value("servers", json::object());
    for (const auto& [name, server] : servers.items()) {
        if (!server.contains("tls_connection_policies")) continue;
        has_tls_ = true;
        const json& cps = server["tls_connection_policies"];
        for (std::size_t i = 0; i < cps.size(); ++i) {
            const std::string p = "apps.http.servers." + name + ".tls_connection_policies[" + std::to_string(i) + "]";
            only_keys(cps[i], {"match", "certificate_selection", "cipher_suites", "curves", "alpn", "protocol_min", "protocol_max",
                               "client_authentication", "default_sni"},
                      p, "this connection policy field");
            if (cps[i].contains("match")) only_keys(cps[i]["match"], {"sni"}, p + ".match", "this handshake matcher");
            if (cps[i].contains("client_authentication"))
                only_keys(cps[i]["client_authentication"], {"mode", "trusted_ca_certs", "trusted_leaf_certs"}, p + ".client_authentication",
                          "this client authentication field");
            if (cps[i].contains("certificate_selection")) only_keys(cps[i]["certificate_selection"], {"any_tag"}, p + ".certificate_selection", "this selection field");
        }
    }
}

std::vector<TlsExporter::Form> TlsExporter::forms() const {
    // Global ACME options fill in the issuers of every all-public policy without issuers of its own:
    // any policy's issuers that such defaults make are worth trying as the global options, first.
    std::vector<json> defaults;
    for (const auto& p : policies_of(config_))
        if (const json d = acme_options_for(p.value("issuers", json::array())); !d.is_null() && std::find(defaults.begin(), defaults.end(), d) == defaults.end())
            defaults.push_back(d);
    std::vector<CatchAll> catch_alls;
    if (catch_all_policy_.is_null()) catch_alls = {CatchAll::cert_issuer};
    else if (is_catch_all_in_site(catch_all_policy_)) catch_alls = {CatchAll::site};
    else catch_alls = {CatchAll::acme_options, CatchAll::cert_issuer, CatchAll::site};
    std::vector<Form> forms;
    for (const auto& d : defaults)
        for (const auto c : catch_alls) forms.push_back({c, d});
    for (const auto c : catch_alls)
        if (c != CatchAll::acme_options) forms.push_back({c, nullptr});
    return forms;
}

std::vector<std::string> TlsExporter::hosts_without_site() const {
    const json apps = config_.value("apps", json::object());
    const json servers = apps.value("http", json::object()).value("servers", json::object());
    std::set<std::string> matched;
    std::vector<std::string> named;
    const auto name = [&](const json& host) {
        const std::string h = str(host);
        if (!h.empty() && std::find(named.begin(), named.end(), h) == named.end()) named.push_back(h);
    };
    for (const auto& [n, server] : servers.items()) {
        const json routes = server.value("routes", json::array());
        for (const auto& r : routes)
            for (const auto& set : r.value("match", json::array()))
                for (const auto& h : set.value("host", json::array())) matched.insert(str(h));
        const json cps = server.value("tls_connection_policies", json::array());
        for (const auto& cp : cps)
            if (cp.contains("match"))
                for (const auto& h : cp["match"].value("sni", json::array())) name(h);
    }
    for (const auto& h : apps.value("tls", json::object()).value("certificates", json::object()).value("automate", json::array())) name(h);
    for (const auto& p : policies_of(config_))
        for (const auto& h : p.value("subjects", json::array())) name(h);
    std::vector<std::string> hosts;
    for (const auto& h : named)
        if (!matched.contains(h)) hosts.push_back(h);
    return hosts;
}

std::vector<std::string> TlsExporter::global_lines() const {
    std::vector<std::string> lines;
    if (config_.contains("storage")) lines.push_back("storage file_system " + quote(str(config_["storage"]["root"])));
    const json apps = config_.value("apps", json::object());
    const json tls = apps.value("tls", json::object());
    const json automation = tls.value("automation", json::object());
    if (automation.contains("on_demand")) {
        const json& od = automation["on_demand"];
        only_keys(od, {"ask", "rate_limit"}, "apps.tls.automation.on_demand", "this on-demand option");
        lines.push_back("on_demand_tls {");
        if (od.contains("ask")) lines.push_back("\task " + quote(str(od["ask"])));
        const json limit = od.value("rate_limit", json::object());
        only_keys(limit, {"interval", "burst"}, "apps.tls.automation.on_demand.rate_limit", "this rate limit option");
        if (limit.contains("interval")) lines.push_back("\tinterval " + duration(limit["interval"], "apps.tls.automation.on_demand.rate_limit.interval"));
        if (limit.contains("burst")) lines.push_back("\tburst " + str(limit["burst"]));
        if (lines.back() == "on_demand_tls {") throw ExportError("apps.tls.automation.on_demand", "an empty on-demand config has no Caddyfile form");
        lines.push_back("}");
    }
    for (const char* k : {"renew_interval", "ocsp_interval", "storage_clean_interval"})
        if (automation.contains(k)) lines.push_back(std::string(k) + " " + duration(automation[k], std::string("apps.tls.automation.") + k));
    if (tls.value("disable_ocsp_stapling", false)) lines.push_back("ocsp_stapling off");
    if (!acme_defaults_.is_null()) {
        const json& fields = acme_defaults_;
        if (fields.contains("email")) lines.push_back("email " + quote(str(fields["email"])));
        if (fields.contains("ca")) lines.push_back("acme_ca " + quote(str(fields["ca"])));
        if (fields.contains("trusted_roots_pem_files")) lines.push_back("acme_ca_root " + quote(str(fields["trusted_roots_pem_files"][0])));
        if (fields.contains("external_account")) {
            lines.push_back("acme_eab {");
            for (const char* k : {"key_id", "mac_key"})
                if (fields["external_account"].contains(k)) lines.push_back("\t" + std::string(k) + " " + quote(str(fields["external_account"][k])));
            lines.push_back("}");
        }
        if (fields.contains("preferred_chains"))
            for (auto& l : preferred_chains_lines(fields["preferred_chains"], "apps.tls.automation.policies")) lines.push_back(l);
    }
    // The policy without subjects is the global one, unless it came from a hostless site.
    const json& ps = policies_of(config_);
    for (std::size_t i = 0; i < ps.size(); ++i) {
        const json& p = ps[i];
        if (p.contains("subjects") || catch_all_ == CatchAll::site) continue;
        const std::string path = "apps.tls.automation.policies[" + std::to_string(i) + "]";
        const json issuers = p.value("issuers", json::array());
        if (catch_all_ == CatchAll::acme_options) {
            if (acme_options_for(issuers) != acme_defaults_) throw ExportError(path + ".issuers", "these issuers are not the global ACME defaults");
        } else if (issuers == json::array({{{"module", "internal"}}})) lines.push_back("local_certs");
        else
            for (std::size_t k = 0; k < issuers.size(); ++k)
                append_prefixed(lines, "cert_issuer", issuer_lines(issuers[k], path + ".issuers[" + std::to_string(k) + "]"), "");
        if (p.contains("key_type")) lines.push_back("key_type " + quote(str(p["key_type"])));
        break;
    }
    std::string default_sni;
    const json servers = apps.value("http", json::object()).value("servers", json::object());
    for (const auto& [name, server] : servers.items()) {
        const json cps = server.value("tls_connection_policies", json::array());
        for (const auto& cp : cps)
            if (cp.contains("default_sni")) default_sni = cp["default_sni"];
    }
    if (!default_sni.empty()) lines.push_back("default_sni " + quote(default_sni));
    const json cas = apps.value("pki", json::object()).value("certificate_authorities", json::object());
    bool skip_install_trust = false;
    std::vector<std::string> pki;
    for (const auto& [id, ca] : cas.items()) {
        const std::string path = "apps.pki.certificate_authorities." + id;
        only_keys(ca, {"name", "root_common_name", "intermediate_common_name", "install_trust", "root", "intermediate"}, path,
                  "this CA field");
        if (ca.contains("install_trust")) {
            if (ca["install_trust"] != false) throw ExportError(path + ".install_trust", "only false has a Caddyfile form (skip_install_trust)");
            skip_install_trust = true;
        }
        json rest = ca;
        rest.erase("install_trust");
        if (rest.empty() && id == "local") continue;
        pki.push_back("\tca " + quote(id) + " {");
        if (ca.contains("name")) pki.push_back("\t\tname " + quote(str(ca["name"])));
        if (ca.contains("root_common_name")) pki.push_back("\t\troot_cn " + quote(str(ca["root_common_name"])));
        if (ca.contains("intermediate_common_name")) pki.push_back("\t\tintermediate_cn " + quote(str(ca["intermediate_common_name"])));
        for (const char* which : {"root", "intermediate"}) {
            if (!ca.contains(which)) continue;
            const json& pair = ca[which];
            only_keys(pair, {"certificate", "private_key", "format"}, path + "." + which, "this key pair field");
            pki.push_back("\t\t" + std::string(which) + " {");
            static const std::pair<const char*, const char*> lines_of[] = {{"certificate", "cert"}, {"private_key", "key"}, {"format", "format"}};
            for (const auto& [field, line] : lines_of)
                if (pair.contains(field)) pki.push_back("\t\t\t" + std::string(line) + " " + quote(str(pair[field])));
            pki.push_back("\t\t}");
        }
        pki.push_back("\t}");
    }
    if (!pki.empty()) {
        lines.push_back("pki {");
        for (auto& l : pki) lines.push_back(l);
        lines.push_back("}");
    }
    if (skip_install_trust) lines.push_back("skip_install_trust");
    return lines;
}

std::vector<std::string> TlsExporter::site_lines(const std::string& server, const std::vector<std::string>& keys) const {
    const json apps = config_.value("apps", json::object());
    const json http_app = apps.value("http", json::object());
    const std::string http_port = std::to_string(http_app.value("http_port", 80));
    std::vector<std::string> hosts, https;
    bool hostless = false;
    for (const auto& k : keys) {
        SiteAddress a;
        try {
            a = SiteAddress::parse(k);
        } catch (const std::invalid_argument&) {
            continue; // the exporter refuses such a key where it makes it
        }
        if (a.host.empty()) hostless = true;
        else hosts.push_back(a.host);
        if (!a.host.empty() && a.scheme != "http" && a.port != http_port) https.push_back(a.host);
    }
    std::vector<std::string> first_line, block;
    // Automation: the first policy naming one of the site's HTTPS hosts (or the site-made catch-all).
    const json& ps = policies_of(config_);
    for (std::size_t i = 0; i < ps.size(); ++i) {
        const json& p = ps[i];
        const json subjects = p.value("subjects", json::array());
        const bool mine = p.contains("subjects") ? std::any_of(https.begin(), https.end(), [&](const std::string& h) {
                                                       return std::find(subjects.begin(), subjects.end(), h) != subjects.end();
                                                   })
                                                 : hostless && catch_all_ == CatchAll::site;
        if (!mine) continue;
        const std::string path = "apps.tls.automation.policies[" + std::to_string(i) + "]";
        const json issuers = p.value("issuers", json::array());
        const bool defaults = !acme_defaults_.is_null() && acme_options_for(issuers) == acme_defaults_;
        for (std::size_t k = 0; k < issuers.size() && !defaults; ++k)
            append_prefixed(block, "issuer", issuer_lines(issuers[k], path + ".issuers[" + std::to_string(k) + "]"), "\t");
        if (p.contains("key_type")) block.push_back("\tkey_type " + quote(str(p["key_type"])));
        if (p.value("on_demand", false)) block.push_back("\ton_demand");
        for (std::size_t k = 0; k < p.value("get_certificate", json::array()).size(); ++k) {
            const json& m = p["get_certificate"][k];
            const std::string mp = path + ".get_certificate[" + std::to_string(k) + "]";
            if (m.value("via", "") != "http") throw ExportError(mp + ".via", "only the http certificate getter has a Caddyfile form in ProxFlow");
            only_keys(m, {"via", "url"}, mp, "this certificate getter field");
            block.push_back("\tget_certificate http " + quote(m.value("url", "")));
        }
        break;
    }
    // Handshakes: the connection policy matching the site's first host, or for a hostless site the
    // unmatched one when it says more than the default SNI (the catch-all Caddy adds says only that).
    const json cps = http_app.value("servers", json::object()).value(server, json::object()).value("tls_connection_policies", json::array());
    for (std::size_t i = 0; i < cps.size() && (!hosts.empty() || hostless); ++i) {
        const json& cp = cps[i];
        if (hosts.empty()) {
            if (cp.contains("match") || cp.size() == cp.count("default_sni")) continue;
        } else {
            const json sni = cp.contains("match") ? cp["match"].value("sni", json::array()) : json::array();
            if (std::find(sni.begin(), sni.end(), hosts.front()) == sni.end()) continue;
        }
        const std::string path = "apps.http.servers." + server + ".tls_connection_policies[" + std::to_string(i) + "]";
        if (cp.contains("protocol_min") || cp.contains("protocol_max")) {
            if (!cp.contains("protocol_min")) throw ExportError(path + ".protocol_max", "a maximum protocol without a minimum has no Caddyfile form");
            block.push_back("\tprotocols " + quote(str(cp["protocol_min"])) + (cp.contains("protocol_max") ? " " + quote(str(cp["protocol_max"])) : ""));
        }
        if (cp.contains("cipher_suites")) block.push_back("\tciphers" + words(cp["cipher_suites"]));
        if (cp.contains("curves")) block.push_back("\tcurves" + words(cp["curves"]));
        if (cp.contains("alpn")) block.push_back("\talpn" + words(cp["alpn"]));
        if (cp.contains("client_authentication")) {
            const json& ca = cp["client_authentication"];
            block.push_back("\tclient_auth {");
            if (ca.contains("mode")) block.push_back("\t\tmode " + quote(str(ca["mode"])));
            for (const auto& c : ca.value("trusted_ca_certs", json::array())) block.push_back("\t\ttrusted_ca_cert " + quote(str(c)));
            for (const auto& c : ca.value("trusted_leaf_certs", json::array())) block.push_back("\t\ttrusted_leaf_cert " + quote(str(c)));
            block.push_back("\t}");
        }
        if (cp.contains("certificate_selection")) {
            const json tags = cp["certificate_selection"].value("any_tag", json::array());
            if (tags.size() != 1) throw ExportError(path + ".certificate_selection.any_tag", "a site selects one tagged certificate in a Caddyfile (tls <cert> <key>)");
            for (const auto& pair : apps.value("tls", json::object()).value("certificates", json::object()).value("load_files", json::array())) {
                const json pair_tags = pair.value("tags", json::array());
                if (std::find(pair_tags.begin(), pair_tags.end(), tags[0]) != pair_tags.end())
                    first_line = {quote(pair.value("certificate", "")), quote(pair.value("key", ""))};
            }
            if (first_line.empty()) throw ExportError(path + ".certificate_selection.any_tag", "no load_files certificate has this tag");
        }
        break;
    }
    if (first_line.empty() && block.empty()) return {};
    std::string head = "tls";
    for (const auto& a : first_line) head += " " + a;
    if (block.empty()) return {head};
    std::vector<std::string> lines{head + " {"};
    for (auto& l : block) lines.push_back(l);
    lines.push_back("}");
    return lines;
}

void TlsExporter::verify(const json& adapted) const {
    const auto part = [](const json& config, const std::vector<std::string>& keys) {
        const json* p = &config;
        for (const auto& k : keys) {
            if (!p->is_object() || !p->contains(k)) return json();
            p = &(*p)[k];
        }
        json copy = *p;
        normalise(copy);
        return copy;
    };
    const auto compare = [&](const std::vector<std::string>& keys, const json& theirs) {
        const json mine = part(config_, keys);
        if (mine == theirs) return;
        std::string path;
        for (const auto& k : keys) path += (path.empty() ? "" : ".") + k;
        const json patch = json::diff(mine, theirs);
        const std::string where = patch.empty() ? "" : patch[0].value("path", "");
        throw ExportError(path + (where.empty() ? "" : " (at " + where + ")"),
                          "these TLS settings have no Caddyfile form that adapts back the same (Caddy's adapter derives them from "
                          "sites and global options, and the nearest Caddyfile gives " + (patch.empty() ? std::string("something else") : patch[0].dump()) + ")");
    };
    compare({"storage"}, part(adapted, {"storage"}));
    compare({"apps", "tls"}, part(adapted, {"apps", "tls"}));
    compare({"apps", "pki"}, part(adapted, {"apps", "pki"}));
    // Servers are matched by listen addresses: the adapter numbers them by sorted address.
    const json mine = config_.value("apps", json::object()).value("http", json::object()).value("servers", json::object());
    const json theirs = adapted.value("apps", json::object()).value("http", json::object()).value("servers", json::object());
    for (const auto& [name, server] : mine.items()) {
        json other;
        for (const auto& [n, s] : theirs.items())
            if (s.value("listen", json()) == server.value("listen", json())) other = s;
        compare({"apps", "http", "servers", name, "tls_connection_policies"}, part(other, {"tls_connection_policies"}));
    }
}

} // namespace proxflow::caddyfile
