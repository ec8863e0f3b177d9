// The TLS parts of an adapted Caddyfile, as Caddy 2.6's httpcaddyfile builds them: each server's
// tls_connection_policies (httptype.go), apps.tls with its automation policies (tlsapp.go) and
// apps.pki (pkiapp.go). Caddy keeps policies and issuers as pointers that later steps edit in
// place and compares them with reflect.DeepEqual; both are kept here, since the JSON depends on it.
#include "caddyfile/tls_app.hpp"

#include "caddyfile/adapter.hpp"
#include "caddyfile/tls_modules.hpp"
#include "config/ascii_lower.hpp"
#include "http/beast.hpp"

#include <algorithm>
#include <set>

namespace proxflow::caddyfile {
namespace {

const std::vector<ConfigValue>& values_of(const TlsSite& site, const std::string& klass) {
    static const std::vector<ConfigValue> none;
    auto it = site.pile->find(klass);
    return it == site.pile->end() ? none : it->second;
}

bool has_hostless_key(const TlsSite& site) {
    return std::any_of(site.keys->begin(), site.keys->end(), [](const SiteAddress& a) { return a.host.empty(); });
}

// Caddy's hostsFromKeys(false): none at all when a key has no host (it matches every host).
std::vector<std::string> hosts_from_keys(const TlsSite& site) {
    std::vector<std::string> hosts;
    if (has_hostless_key(site)) return hosts;
    for (const auto& k : *site.keys)
        if (std::find(hosts.begin(), hosts.end(), k.host) == hosts.end()) hosts.push_back(k.host);
    return hosts;
}

// Caddy's hostsFromKeysNotHTTP, sorted as Caddy sorts automation policy subjects.
std::vector<std::string> https_hosts(const TlsSite& site, const std::string& http_port) {
    std::set<std::string> hosts;
    for (const auto& k : *site.keys)
        if (!k.host.empty() && k.scheme != "http" && k.port != http_port) hosts.insert(k.host);
    return {hosts.begin(), hosts.end()};
}

// Caddy's listenersUseAnyPortOtherThan: some listener's port (range) leaves out `port`.
bool listeners_use_port_other_than(const std::vector<std::string>& listen, const std::string& port) {
    int other = 0;
    try {
        other = std::stoi(port);
    } catch (const std::logic_error&) {
        return false;
    }
    for (const auto& address : listen) {
        const auto colon = address.rfind(':');
        if (colon == std::string::npos) continue;
        const std::string range = address.substr(colon + 1);
        try {
            const auto dash = range.find('-');
            const int start = std::stoi(range.substr(0, dash));
            const int end = dash == std::string::npos ? start : std::stoi(range.substr(dash + 1));
            if (other < start || other > end) return true;
        } catch (const std::logic_error&) {
        }
    }
    return false;
}

bool is_ip(const std::string& s) {
    error_code ec;
    asio::ip::make_address(s, ec);
    return !ec && s.find('%') == std::string::npos;
}

bool is_internal_name(const std::string& s) { return s == "localhost" || s.ends_with(".localhost") || s.ends_with(".local"); }

// certmagic 0.17's SubjectQualifiesForCert.
bool qualifies_for_cert(const std::string& s) {
    if (s.find_first_not_of(" \t\n\r\v\f") == std::string::npos) return false;
    if (s.front() == '.' || s.back() == '.') return false;
    if (s.find('*') != std::string::npos && !s.starts_with("*.") && s != "*") return false;
    return s.find_first_of("()[]{}<> \t\n\"\\!@#$%^&|;'+=") == std::string::npos;
}

// certmagic 0.17's SubjectQualifiesForPublicCert.
bool qualifies_for_public_cert(const std::string& s) {
    if (!qualifies_for_cert(s) || is_internal_name(s) || is_ip(s)) return false;
    if (s.find('*') == std::string::npos) return true;
    return std::count(s.begin(), s.end(), '*') == 1 && std::count(s.begin(), s.end(), '.') > 1 && s.size() > 2 && s.starts_with("*.");
}

// certmagic's MatchWildcard: the subject's labels turned into '*' from the left, one more each try.
bool match_wildcard(std::string subject, std::string wildcard) {
    subject = ascii_lower(subject);
    wildcard = ascii_lower(wildcard);
    if (subject == wildcard) return true;
    if (wildcard.find('*') == std::string::npos) return false;
    std::vector<std::string> labels;
    for (std::size_t start = 0;;) {
        const auto dot = subject.find('.', start);
        labels.push_back(subject.substr(start, dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    for (auto& label : labels) {
        if (label.empty()) continue;
        label = "*";
        std::string candidate;
        for (std::size_t i = 0; i < labels.size(); ++i) candidate += (i ? "." : "") + labels[i];
        if (candidate == wildcard) return true;
    }
    return false;
}

// ---- connection policies -------------------------------------------------------------------

bool settings_empty(const json& cp) {
    for (const char* k : {"certificate_selection", "cipher_suites", "curves", "alpn", "protocol_min", "protocol_max",
                          "client_authentication", "default_sni", "insecure_secrets_log"})
        if (cp.contains(k)) return false;
    return true;
}

[[noreturn]] void conflict(const Token& where, const std::string& what, const json& a, const json& b) {
    throw AdaptError(where.file_name(), where.line, "tls: two policies with same match criteria have conflicting " + what + ": " +
                                                        a.dump() + " vs. " + b.dump());
}

// Caddy's consolidateConnPolicies: catch-alls last, equal ones once, same-matcher ones merged.
void consolidate_connection_policies(std::vector<std::shared_ptr<json>>& cps, const Token& where) {
    std::stable_sort(cps.begin(), cps.end(), [](const auto& a, const auto& b) { return !b->contains("match") && a->contains("match"); });
    const auto field = [](const json& cp, const char* k) { return cp.contains(k) ? cp[k] : json(); };
    for (int i = 0; i < static_cast<int>(cps.size()); ++i) {
        for (int j = 0; j < static_cast<int>(cps.size()); ++j) {
            if (j == i) continue;
            json& a = *cps[static_cast<std::size_t>(i)];
            const json& b = *cps[static_cast<std::size_t>(j)];
            if (a == b) {
                cps.erase(cps.begin() + j);
                --i;
                break;
            }
            if (field(a, "match") != field(b, "match")) continue;
            for (const char* k : {"alpn", "cipher_suites", "curves", "default_sni", "protocol_min", "protocol_max"})
                if (a.contains(k) && b.contains(k) && a[k] != b[k]) conflict(where, k, a[k], b[k]);
            if (!a.contains("client_authentication") && b.contains("client_authentication"))
                conflict(where, "client auth configuration", json(), b["client_authentication"]);
            if (a.contains("certificate_selection") && b.contains("certificate_selection")) {
                json sa = a["certificate_selection"], sb = b["certificate_selection"];
                sa.erase("any_tag");
                sb.erase("any_tag");
                if (sa != sb) conflict(where, "cert selections", a["certificate_selection"], b["certificate_selection"]);
            }
            for (const char* k : {"alpn", "cipher_suites", "client_authentication", "curves", "default_sni", "protocol_min", "protocol_max"})
                if (!a.contains(k) && b.contains(k)) a[k] = b[k];
            if (!a.contains("certificate_selection") && b.contains("certificate_selection")) {
                a["certificate_selection"] = b["certificate_selection"];
            } else if (a.contains("certificate_selection") && b.contains("certificate_selection")) {
                json& tags = a["certificate_selection"]["any_tag"];
                for (const auto& tag : b["certificate_selection"].value("any_tag", json::array()))
                    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
            }
            cps.erase(cps.begin() + j);
            --i;
            break;
        }
    }
}

// ---- automation policies -------------------------------------------------------------------

struct Policy {
    std::vector<std::string> subjects;
    std::vector<Issuer> issuers; // Caddy's Issuers: objects, encoded into issuers_raw at the end
    json issuers_raw;            // null: nil
    json fields = json::object(); // get_certificate, key_type, on_demand, disable_ocsp_stapling

    json to_json() const {
        json p = fields;
        if (!subjects.empty()) p["subjects"] = subjects;
        if (!issuers_raw.is_null() && !issuers_raw.empty()) p["issuers"] = issuers_raw;
        return p;
    }
};
using PolicyPtr = std::shared_ptr<Policy>;

bool same_issuers(const std::vector<Issuer>& a, const std::vector<Issuer>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Issuer& x, const Issuer& y) { return *x == *y; });
}

bool deep_equal(const Policy& a, const Policy& b) {
    return a.subjects == b.subjects && same_issuers(a.issuers, b.issuers) && a.issuers_raw == b.issuers_raw && a.fields == b.fields;
}

// Caddy's subjectQualifiesForPublicCert: like certmagic's, but *.*.tld is fine for on-demand policies.
bool qualifies_for_public_cert(const Policy& ap, const std::string& s) {
    std::size_t wildcard_labels = 0;
    for (auto p = s.find("*."); p != std::string::npos; p = s.find("*.", p + 2)) ++wildcard_labels;
    return !is_ip(s) && !is_internal_name(s) && (wildcard_labels < 2 || ap.fields.value("on_demand", false));
}

bool all_public_names(const Policy& ap) {
    return std::all_of(ap.subjects.begin(), ap.subjects.end(), [&](const std::string& s) { return qualifies_for_public_cert(ap, s); });
}

bool is_subset(const Policy& a, const Policy& b) {
    if (b.subjects.empty()) return true;
    if (a.subjects.empty()) return false;
    return std::all_of(a.subjects.begin(), a.subjects.end(), [&](const std::string& s) {
        return std::any_of(b.subjects.begin(), b.subjects.end(), [&](const std::string& w) { return match_wildcard(s, w); });
    });
}

int shadows(std::size_t i, const std::vector<PolicyPtr>& aps) {
    for (std::size_t j = i + 1; j < aps.size(); ++j)
        if (is_subset(*aps[i], *aps[j])) return static_cast<int>(j);
    return -1;
}

// Go's sort.SliceStable for up to 20 elements is an insertion sort; Caddy's "less" is not a strict
// weak order, so the same algorithm is needed for the same result.
void go_stable_sort(std::vector<PolicyPtr>& aps) {
    const auto less = [](const Policy& a, const Policy& b) {
        if (is_subset(a, b)) return true;
        if (is_subset(b, a)) return false;
        return a.subjects.size() > b.subjects.size();
    };
    for (std::size_t i = 1; i < aps.size(); ++i)
        for (std::size_t j = i; j > 0 && less(*aps[j], *aps[j - 1]); --j) std::swap(aps[j], aps[j - 1]);
}

// Caddy's consolidateAutomationPolicies.
std::vector<PolicyPtr> consolidate(std::vector<PolicyPtr> aps) {
    go_stable_sort(aps);
    std::size_t empty_count = 0;
    const std::size_t original = aps.size();
    for (std::size_t i = 0; i < aps.size();) {
        const Policy& ap = *aps[i];
        if (ap.issuers.empty() && ap.issuers_raw.is_null() && ap.fields.empty()) {
            ++empty_count;
            // internal names in an otherwise empty policy get the internal issuer implicitly
            if (!all_public_names(ap)) {
                aps.erase(aps.begin() + static_cast<long>(i));
                continue;
            }
        }
        ++i;
    }
    if (empty_count == original) return {};
    const auto same_settings = [](const Policy& a, const Policy& b) {
        const auto field = [](const Policy& p, const char* k) { return p.fields.contains(k) ? p.fields[k] : json(); };
        return a.issuers_raw == b.issuers_raw && field(a, "key_type") == field(b, "key_type") && field(a, "on_demand") == field(b, "on_demand");
    };
    for (int i = 0; i < static_cast<int>(aps.size()); ++i) {
        bool restart = false;
        for (int j = i + 1; j < static_cast<int>(aps.size()) && !restart; ++j) {
            Policy& a = *aps[static_cast<std::size_t>(i)];
            const Policy& b = *aps[static_cast<std::size_t>(j)];
            if (deep_equal(a, b)) {
                aps.erase(aps.begin() + j);
                restart = true;
            } else if (same_settings(a, b)) {
                if (!a.subjects.empty() && b.subjects.empty()) {
                    // the catch-all j may take i's place only if nothing between them would shadow i
                    if (shadows(static_cast<std::size_t>(i), aps) >= j) {
                        aps.erase(aps.begin() + i);
                        restart = true;
                    }
                } else {
                    for (const auto& s : b.subjects)
                        if (std::find(a.subjects.begin(), a.subjects.end(), s) == a.subjects.end()) a.subjects.push_back(s);
                    aps.erase(aps.begin() + j);
                    --j;
                }
            }
        }
        if (restart) --i;
    }
    return aps;
}

// Caddy's newBaseAutomationPolicy: null when no global option shapes policies (unless always).
PolicyPtr base_policy(const TlsOptions& tls, bool always, const Token* where) {
    const bool has_global = !tls.cert_issuers.empty() || tls.local_certs || tls.key_type || tls.ocsp_stapling_off;
    if (!has_global) return always ? std::make_shared<Policy>() : nullptr;
    auto ap = std::make_shared<Policy>();
    if (tls.key_type) ap->fields["key_type"] = *tls.key_type;
    if (!tls.cert_issuers.empty() && tls.local_certs)
        throw AdaptError(where ? where->file_name() : "Caddyfile", where ? where->line : 0,
                         "global options are ambiguous: local_certs is confusing when combined with cert_issuer, because local_certs "
                         "is also a specific kind of issuer");
    if (!tls.cert_issuers.empty()) ap->issuers = tls.cert_issuers;
    else if (tls.local_certs) ap->issuers = {std::make_shared<json>(json{{"module", "internal"}})};
    if (tls.ocsp_stapling_off) ap->fields["disable_ocsp_stapling"] = true;
    return ap;
}

bool has_global_acme_defaults(const TlsOptions& tls) {
    return tls.email || tls.acme_ca || tls.acme_ca_root || !tls.acme_eab.is_null() || !tls.preferred_chains.is_null();
}

// Caddy's fillInGlobalACMEDefaults.
void fill_in_global_acme_defaults(json& issuer, const TlsOptions& tls) {
    if (!is_acme_issuer(issuer)) return;
    if (tls.email && issuer.value("email", "").empty()) issuer["email"] = *tls.email;
    if (tls.acme_ca && issuer.value("ca", "").empty()) issuer["ca"] = *tls.acme_ca;
    if (tls.acme_ca_root) {
        json& roots = issuer["trusted_roots_pem_files"];
        if (std::find(roots.begin(), roots.end(), *tls.acme_ca_root) == roots.end()) roots.push_back(*tls.acme_ca_root);
    }
    if (!tls.acme_eab.is_null() && !issuer.contains("external_account")) issuer["external_account"] = tls.acme_eab;
    if (!tls.preferred_chains.is_null() && !issuer.contains("preferred_chains")) issuer["preferred_chains"] = tls.preferred_chains;
}

} // namespace

std::vector<std::shared_ptr<json>> server_connection_policies(const TlsServer& server, const Options& options) {
    const std::string http_port = std::to_string(options.http()), https_port = std::to_string(options.https());
    const std::string& default_sni = options.default_sni;
    std::vector<std::shared_ptr<json>> cps;
    bool has_catch_all = false, qualifies_for_tls = false, auto_https_adds = options.auto_https != "off";
    for (const auto& site : server.sites) {
        std::vector<std::string> hosts = hosts_from_keys(site);
        for (const auto& value : values_of(site, "tls.connection_policy")) {
            json& cp = *value.object;
            if (std::find(hosts.begin(), hosts.end(), default_sni) != hosts.end() && !default_sni.empty()) {
                hosts.push_back("");
                cp["default_sni"] = default_sni;
            }
            if (!hosts.empty()) cp["match"] = {{"sni", hosts}};
            else if (!default_sni.empty()) cp["default_sni"] = default_sni;
            else cp.erase("default_sni");
            if (!settings_empty(cp)) {
                cps.push_back(value.object);
                has_catch_all = hosts.empty();
            }
        }
        for (const auto& addr : *site.keys) {
            if (addr.scheme == "https" || (addr.scheme != "http" && !addr.host.empty() && addr.port != http_port)) qualifies_for_tls = true;
            auto_https_adds = auto_https_adds && (addr.port == https_port || (addr.port != http_port && !addr.host.empty()));
        }
    }

    // Caddy's detectConflictingSchemes: one server cannot serve both HTTP and HTTPS.
    std::string kind;
    for (const auto& site : server.sites)
        for (const auto& addr : *site.keys) {
            const auto listen = [&] {
                std::string l;
                for (const auto& a : server.listen) l += (l.empty() ? "" : " ") + a;
                return "[" + l + "]";
            };
            const bool https = addr.scheme == "https" || addr.port == https_port || !cps.empty();
            if (addr.scheme == "http" || addr.port == http_port || (!https && addr.host.empty())) {
                if (kind == "HTTPS") {
                    std::string message = "server listening on " + listen() + " is configured for HTTPS and cannot natively multiplex HTTP and HTTPS: " + addr.original;
                    if (addr.scheme.empty() && addr.host.empty()) message += " (try specifying https:// in the address)";
                    throw AdaptError(site.where->file_name(), site.where->line, message);
                }
                if (!cps.empty())
                    throw AdaptError(site.where->file_name(), site.where->line,
                                     "server listening on " + listen() + " is HTTP, but attempts to configure TLS connection policies");
                kind = "HTTP";
            } else if (https) {
                if (kind == "HTTP")
                    throw AdaptError(site.where->file_name(), site.where->line,
                                     "server listening on " + listen() + " is configured for HTTP and cannot natively multiplex HTTP and HTTPS: " + addr.original);
                kind = "HTTPS";
            }
        }

    // A catch-all policy lets every handshake of a TLS server find one (Caddy issue #3004).
    if (qualifies_for_tls && !has_catch_all && (!cps.empty() || !auto_https_adds || !default_sni.empty())) {
        json catch_all = json::object();
        if (!default_sni.empty()) catch_all["default_sni"] = default_sni;
        cps.push_back(std::make_shared<json>(catch_all));
    }
    if (!server.sites.empty()) consolidate_connection_policies(cps, *server.sites.front().where);
    return cps;
}

json build_tls_app(const std::vector<TlsServer>& servers, const Options& options) {
    const TlsOptions& tls = options.tls;
    const std::string http_port = std::to_string(options.http());
    const Token* first = nullptr;
    for (const auto& s : servers)
        if (!s.sites.empty() && !first) first = s.sites.front().where;
    const auto fail = [&](const Token* where, const std::string& message) -> void {
        if (!where) where = first;
        throw AdaptError(where ? where->file_name() : "Caddyfile", where ? where->line : 0, message);
    };

    // Hosts beside a hostless key get no host matcher, so automatic HTTPS would not see them.
    std::set<std::string> shared_with_hostless;
    if (options.auto_https != "off")
        for (const auto& server : servers)
            for (const auto& site : server.sites) {
                if (!has_hostless_key(site)) continue;
                for (const auto& other : *site.keys)
                    if (!other.host.empty() && other.scheme != "http" && other.port != http_port) shared_with_hostless.insert(other.host);
            }

    bool automation = false;
    std::vector<PolicyPtr> policies;
    json loaders = json::object();
    PolicyPtr catch_all = base_policy(tls, false, first);
    if (catch_all) {
        automation = true;
        policies.push_back(catch_all);
    }
    for (const auto& server : servers) {
        if (!listeners_use_port_other_than(server.listen, http_port)) continue;
        for (const auto& site : server.sites) {
            if (std::all_of(site.keys->begin(), site.keys->end(), [](const SiteAddress& a) { return a.scheme == "http"; })) continue;
            PolicyPtr ap = base_policy(tls, true, site.where);
            const auto hosts = hosts_from_keys(site);
            if (hosts.empty() && catch_all) ap = catch_all;
            if (!values_of(site, "tls.on_demand").empty()) ap->fields["on_demand"] = true;
            if (const auto& kt = values_of(site, "tls.key_type"); !kt.empty()) ap->fields["key_type"] = kt.front().value;
            if (const auto& iv = values_of(site, "tls.cert_issuer"); !iv.empty()) {
                std::vector<Issuer> issuers;
                for (const auto& v : iv) issuers.push_back(v.object);
                if (ap == catch_all && !same_issuers(ap->issuers, issuers))
                    fail(site.where, "automation policy from site block is also default/catch-all policy because of key without "
                                     "hostname, and the two are in conflict");
                ap->issuers = issuers;
            }
            for (const auto& m : values_of(site, "tls.cert_manager")) ap->fields["get_certificate"].push_back(m.value);
            // Caddy makes a bound site's ACME issuers listen for challenges on the bind host
            // (challenges.bind_host); ProxFlow answers challenges on the servers' own listeners.
            if (!values_of(site, "bind").empty() &&
                std::any_of(ap->issuers.begin(), ap->issuers.end(), [](const Issuer& i) { return is_acme_issuer(*i); }))
                fail(site.where, "bind: a site with bind gives its ACME issuers challenges.bind_host, which is not supported by ProxFlow "
                                 "yet (challenges are answered by the servers' own listeners)");
            if (hosts.empty() && !catch_all) catch_all = ap;
            ap->subjects = https_hosts(site, http_port);
            // Without an issuer, internal names (localhost, IPs ...) go to a policy of their own with
            // the internal issuer, the others keep the default (public) issuers.
            PolicyPtr ap2;
            if (ap->issuers.empty()) {
                std::vector<std::string> internal, external;
                for (const auto& s : ap->subjects) {
                    if (!qualifies_for_cert(s)) fail(site.where, "subject does not qualify for certificate: '" + s + "'");
                    (qualifies_for_public_cert(*ap, s) ? external : internal).push_back(s);
                }
                if (!external.empty() && !internal.empty()) {
                    ap->subjects = external;
                    ap2 = std::make_shared<Policy>(*ap);
                    ap2->subjects = internal;
                    ap2->issuers_raw = json::array({{{"module", "internal"}}});
                }
            }
            automation = true;
            policies.push_back(ap);
            if (ap2) policies.push_back(ap2);
            for (const auto& loader : values_of(site, "tls.cert_loader"))
                for (const auto& [name, list] : loader.value.items())
                    for (const auto& item : list) loaders[name].push_back(item);
        }
    }

    json app = json::object();
    if (!loaders.empty()) app["certificates"] = loaders;
    json automation_json = json::object();
    if (!tls.on_demand.is_null()) automation_json["on_demand"] = tls.on_demand;
    if (tls.storage_clean_interval && *tls.storage_clean_interval) automation_json["storage_clean_interval"] = *tls.storage_clean_interval;
    if (tls.renew_interval && *tls.renew_interval) automation_json["renew_interval"] = *tls.renew_interval;
    if (tls.ocsp_interval && *tls.ocsp_interval) automation_json["ocsp_interval"] = *tls.ocsp_interval;
    if (!tls.on_demand.is_null() || tls.storage_clean_interval || tls.renew_interval || tls.ocsp_interval) automation = true;
    if (tls.ocsp_stapling_off) app["disable_ocsp_stapling"] = true;

    auto internal_ap = std::make_shared<Policy>();
    internal_ap->issuers_raw = json::array({{{"module", "internal"}}});
    if (options.auto_https != "off")
        for (const auto& h : shared_with_hostless) {
            app["certificates"]["automate"].push_back(h);
            if (!qualifies_for_public_cert(h)) internal_ap->subjects.push_back(h);
        }
    if (!internal_ap->subjects.empty()) {
        automation = true;
        policies.push_back(internal_ap);
    }

    if (automation) {
        if (has_global_acme_defaults(tls))
            for (auto& ap : policies)
                if (ap->issuers.empty() && all_public_names(*ap)) {
                    if (tls.acme_ca) {
                        const bool zerossl = tls.acme_ca->find("zerossl") != std::string::npos;
                        ap->issuers = {std::make_shared<json>(json{{"module", zerossl ? "zerossl" : "acme"}})};
                    } else {
                        ap->issuers = {std::make_shared<json>(json{{"module", "acme"}}), std::make_shared<json>(json{{"module", "zerossl"}})};
                    }
                }
        for (auto& ap : policies) {
            for (auto& issuer : ap->issuers) fill_in_global_acme_defaults(*issuer, tls);
            if (!ap->issuers.empty() && ap->issuers_raw.is_null()) {
                ap->issuers_raw = json::array();
                for (const auto& issuer : ap->issuers) ap->issuers_raw.push_back(*issuer);
            }
        }
        policies = consolidate(std::move(policies));
        std::set<std::string> seen;
        for (const auto& ap : policies)
            for (const auto& s : ap->subjects)
                if (!seen.insert(s).second)
                    fail(nullptr, "hostname appears in more than one automation policy, making certificate management ambiguous: " + s);
        for (const auto& ap : policies) automation_json["policies"].push_back(ap->to_json());
        if (!automation_json.empty()) app["automation"] = automation_json;
    }
    return app.empty() ? json() : app;
}

json build_pki_app(const Options& options, const std::vector<std::string>& directive_cas) {
    const TlsOptions& tls = options.tls;
    json cas = tls.pki.is_null() ? json::object() : tls.pki;
    for (const auto& id : directive_cas)
        if (!cas.contains(id)) cas[id] = json::object();
    if (tls.skip_install_trust) {
        if (cas.empty()) cas["local"] = json::object();
        for (auto& [id, ca] : cas.items()) ca["install_trust"] = false;
    }
    return cas.empty() ? json() : json{{"certificate_authorities", cas}};
}

} // namespace proxflow::caddyfile
