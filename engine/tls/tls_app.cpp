#include "tls/tls_app.hpp"

#include "tls/ocsp_stapler.hpp"
#include "tls/on_demand.hpp"
#include "tls/pem.hpp"
#include "logging/log_line.hpp"

namespace proxflow::tls {
namespace {

bool wildcard_matches(const std::string& pattern, const std::string& name) {
    if (!pattern.starts_with("*.")) return false;
    const auto dot = name.find('.');
    return dot != std::string::npos && dot > 0 && name.substr(dot) == pattern.substr(1);
}

void load_certificate(const std::string& cert_pem, const std::string& key_pem, std::vector<std::string> tags,
                      const std::string& origin, CertificateCache& cache, const std::string& path) {
    try {
        cache.put(make_certificate(certificates_from_pem(cert_pem), private_key_from_pem(key_pem), origin, std::move(tags)));
    } catch (const PemError& e) {
        throw ConfigError(path, e.what());
    }
}

} // namespace

bool subject_qualifies_for_cert(const std::string& s) {
    if (s.find_first_not_of(" \t\n") == std::string::npos) return false;
    if (s.front() == '.' || s.back() == '.') return false;
    if (s.find('*') != std::string::npos && !s.starts_with("*.") && s != "*") return false;
    return s.find_first_of("()[]{}<> \t\n\"\\!@#$%^&|;'+=") == std::string::npos;
}

bool subject_is_internal(const std::string& name) {
    std::string s;
    for (char c : name) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    error_code ec;
    asio::ip::make_address(s, ec);
    if (!ec) return true; // IP addresses: no public ACME CA issues for them here
    if (s.find('.') == std::string::npos) return true;
    for (const char* suffix : {".localhost", ".local", ".internal", ".home.arpa"})
        if (s.ends_with(suffix)) return true;
    return s == "localhost";
}

bool AutomationPolicy::covers_exactly(const std::string& name) const {
    return std::find(subjects.begin(), subjects.end(), name) != subjects.end();
}

bool AutomationPolicy::covers(const std::string& name) const {
    if (subjects.empty()) return true;
    for (const auto& s : subjects)
        if (s == name || wildcard_matches(s, name)) return true;
    return false;
}

std::shared_ptr<TlsApp> TlsApp::from_json(const json* tls, const json* pki, Storage storage, BuildContext& build) {
    std::shared_ptr<TlsApp> app(new TlsApp(storage));
    app->pki_ = PkiApp::from_json(pki, "apps.pki", storage);
    app->manager_ = std::make_shared<CertificateManager>(app->cache_, storage, build.background);
    build.tasks.push_back(app->manager_);
    app->stapler_ = std::make_shared<OcspStapler>(app->cache_, storage, build.background,
                                                  [weak = std::weak_ptr<const TlsApp>(app)](const Certificate& cert) {
                                                      const auto app = weak.lock();
                                                      return !app || !app->staples_ocsp(cert);
                                                  });
    build.tasks.push_back(app->stapler_);
    app->cleaner_ = std::make_shared<StorageCleaner>(storage, build.background);
    build.tasks.push_back(app->cleaner_);
    if (!tls) return app;
    ObjectReader r(*tls, "apps.tls");
    IssuerContext issuers{app->storage_, *app->pki_};
    OnDemandConfig on_demand_config;
    std::chrono::nanoseconds ocsp_interval = OcspStapler::default_interval;
    if (const json* certs = r.take("certificates")) {
        ObjectReader c(*certs, r.path_of("certificates"));
        if (const json* files = c.take("load_files")) {
            const std::string fpath = c.path_of("load_files");
            expect_array(*files, fpath);
            for (std::size_t i = 0; i < files->size(); ++i) {
                ObjectReader f((*files)[i], index_path(fpath, i));
                const auto cert_file = f.string("certificate"), key_file = f.string("key");
                const auto format = f.string("format", "pem");
                if (format != "pem") throw ConfigError(f.path_of("format"), "unrecognized certificate/key encoding format: " + format);
                auto tags = f.strings("tags");
                f.finish();
                if (cert_file.empty()) throw ConfigError(f.path_of("certificate"), "a certificate file is required");
                if (key_file.empty()) throw ConfigError(f.path_of("key"), "a key file is required");
                const auto cert_pem = read_pem_file(cert_file, f.path_of("certificate"));
                const auto key_pem = read_pem_file(key_file, f.path_of("key"));
                load_certificate(cert_pem, key_pem, std::move(tags), "file", *app->cache_, f.path());
            }
        }
        if (const json* pems = c.take("load_pem")) {
            const std::string ppath = c.path_of("load_pem");
            expect_array(*pems, ppath);
            for (std::size_t i = 0; i < pems->size(); ++i) {
                ObjectReader p((*pems)[i], index_path(ppath, i));
                const auto cert_pem = p.string("certificate"), key_pem = p.string("key");
                auto tags = p.strings("tags");
                p.finish();
                load_certificate(cert_pem, key_pem, std::move(tags), "pem", *app->cache_, p.path());
            }
        }
        app->automate_ = c.strings("automate");
        for (const char* other : {"load_folders", "load_storage"})
            if (c.has(other)) throw ConfigError(c.path_of(other), std::string(other) + " is not supported by ProxFlow yet");
        c.finish();
    }
    if (const json* automation = r.take("automation")) {
        ObjectReader a(*automation, r.path_of("automation"));
        if (const json* policies = a.take("policies")) {
            const std::string ppath = a.path_of("policies");
            expect_array(*policies, ppath);
            for (std::size_t i = 0; i < policies->size(); ++i) {
                ObjectReader p((*policies)[i], index_path(ppath, i));
                AutomationPolicy policy;
                policy.path = p.path();
                policy.subjects = p.strings("subjects");
                if (const json* list = p.take("issuers")) {
                    expect_array(*list, p.path_of("issuers"));
                    for (std::size_t k = 0; k < list->size(); ++k)
                        policy.issuers.push_back(make_issuer((*list)[k], index_path(p.path_of("issuers"), k), issuers));
                }
                if (policy.issuers.empty()) policy.issuers = default_acme_issuers(issuers);
                const std::string key_type = p.string("key_type");
                if (!key_type.empty()) {
                    const auto type = parse_key_type(key_type);
                    if (!type)
                        throw ConfigError(p.path_of("key_type"), "unknown key type \"" + key_type + "\" (ed25519, p256, p384, rsa2048, rsa4096)");
                    policy.key_type = *type;
                }
                policy.renewal_window_ratio = p.number("renewal_window_ratio", policy.renewal_window_ratio);
                if (policy.renewal_window_ratio <= 0 || policy.renewal_window_ratio >= 1)
                    throw ConfigError(p.path_of("renewal_window_ratio"), "must be between 0 and 1");
                policy.on_demand = p.boolean("on_demand");
                policy.disable_ocsp_stapling = p.boolean("disable_ocsp_stapling");
                if (const json* managers = p.take("get_certificate")) {
                    expect_array(*managers, p.path_of("get_certificate"));
                    for (std::size_t k = 0; k < managers->size(); ++k) {
                        ObjectReader m((*managers)[k], index_path(p.path_of("get_certificate"), k));
                        const std::string via = m.string("via");
                        if (via != "http")
                            throw ConfigError(m.path_of("via"), "certificate manager \"" + via + "\" is not supported by ProxFlow yet (only http)");
                        const std::string url = m.string("url");
                        if (!url.starts_with("http://") && !url.starts_with("https://"))
                            throw ConfigError(m.path_of("url"), "an http:// or https:// URL is needed");
                        policy.get_certificate_urls.push_back(url);
                        m.finish();
                    }
                }
                for (const char* other : {"issuer", "storage", "must_staple", "ocsp_overrides", "reuse_private_keys"})
                    if (p.has(other)) throw ConfigError(p.path_of(other), std::string(other) + " is not supported by ProxFlow yet");
                p.finish();
                app->policies_.push_back(std::move(policy));
            }
        }
        if (const json* on_demand = a.take("on_demand")) {
            ObjectReader o(*on_demand, a.path_of("on_demand"));
            on_demand_config.ask = o.string("ask");
            if (!on_demand_config.ask.empty() && !on_demand_config.ask.starts_with("http://") &&
                !on_demand_config.ask.starts_with("https://"))
                throw ConfigError(o.path_of("ask"), "an http:// or https:// URL is needed");
            if (const json* limit = o.take("rate_limit")) {
                ObjectReader l(*limit, o.path_of("rate_limit"));
                on_demand_config.rate_interval = l.duration("interval");
                on_demand_config.rate_burst = static_cast<int>(l.integer("burst"));
                if (on_demand_config.rate_burst < 0) throw ConfigError(l.path_of("burst"), "must not be negative");
                l.finish();
            }
            o.finish();
        }
        ocsp_interval = a.duration("ocsp_interval", ocsp_interval);
        if (ocsp_interval.count() <= 0) throw ConfigError(a.path_of("ocsp_interval"), "must be positive");
        const auto clean_every = a.duration("storage_clean_interval", StorageCleaner::default_interval);
        if (clean_every.count() <= 0) throw ConfigError(a.path_of("storage_clean_interval"), "must be positive");
        app->cleaner_->set_interval(clean_every);
        if (const auto every = a.duration("renew_interval"); every.count() > 0) app->manager_->set_check_interval(every);
        a.finish();
    }
    app->disable_ocsp_stapling_ = r.boolean("disable_ocsp_stapling");
    for (const char* other : {"session_tickets", "cache"})
        if (r.has(other)) throw ConfigError(r.path_of(other), std::string(other) + " is not supported by ProxFlow yet");
    r.finish();
    if (std::any_of(app->policies_.begin(), app->policies_.end(),
                    [](const AutomationPolicy& p) { return p.on_demand || !p.get_certificate_urls.empty(); })) {
        if (on_demand_config.ask.empty() &&
            std::any_of(app->policies_.begin(), app->policies_.end(), [](const AutomationPolicy& p) { return p.on_demand; }))
            log_line("warn", "tls", "on-demand TLS is enabled without an `ask` endpoint: anyone can make the engine request certificates for any name");
        app->on_demand_ = std::make_shared<OnDemandIssuance>(app->policies_, on_demand_config, app->manager_, app->cache_,
                                                             build.background);
    }
    if (!app->automate_.empty()) app->manage(app->automate_, false, "apps.tls.certificates.automate");
    app->stapler_->set_interval(ocsp_interval);
    app->stapler_->staple_from_storage();
    return app;
}

bool TlsApp::has_loaded_certificate(const std::string& name) const {
    for (const auto& cert : cache_->all()) {
        if (cert->origin == "managed") continue;
        for (const auto& n : cert->names)
            if (n == name || wildcard_matches(n, name)) return true;
    }
    return false;
}

bool TlsApp::staples_ocsp(const Certificate& cert) const {
    if (disable_ocsp_stapling_) return false;
    // As Caddy: loaded certificates follow the app's setting only, managed ones their policy's too.
    if (cert.origin != "managed" || cert.names.empty()) return true;
    const AutomationPolicy* policy = tls::policy_for(policies_, cert.names.front());
    return !policy || !policy->disable_ocsp_stapling;
}

bool TlsApp::has_policy_for(const std::string& name) const {
    for (const auto& p : policies_)
        if (p.covers_exactly(name)) return true;
    return false;
}

const AutomationPolicy* policy_for(const std::vector<AutomationPolicy>& policies, const std::string& name) {
    for (const auto& p : policies)
        if (p.covers_exactly(name)) return &p;
    for (const auto& p : policies)
        if (!p.subjects.empty() && p.covers(name)) return &p;
    for (const auto& p : policies)
        if (p.subjects.empty()) return &p;
    return nullptr;
}

void TlsApp::manage(const std::vector<std::string>& names, bool found_by_automatic_https, const std::string& path) {
    IssuerContext issuers{storage_, *pki_};
    for (const auto& name : names) {
        const AutomationPolicy* policy = policy_for(policies_, name);
        // Automatic HTTPS gives internal names without a policy of their own the internal issuer.
        const bool implicit_internal = found_by_automatic_https && subject_is_internal(name) && !has_policy_for(name);
        IssuancePlan plan;
        if (implicit_internal) plan.issuers = {default_internal_issuer(issuers)};
        else if (policy) plan = policy->plan();
        else plan.issuers = default_acme_issuers(issuers);
        // On-demand names get their certificate at their first handshake, not at start.
        if (!implicit_internal && policy && policy->on_demand) continue;
        manager_->manage(name, std::move(plan), path);
    }
    for (auto& ca : pki_->in_use()) manager_->maintain_ca(ca);
}

} // namespace proxflow::tls
