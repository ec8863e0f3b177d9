#pragma once
// `apps.tls` with `apps.pki` and the top-level `storage`: certificates loaded from files and PEM
// text, automation policies and their issuers, and the managed certificates of automatic HTTPS.
#include "config/object_reader.hpp"
#include "module/build_context.hpp"
#include "tls/certificate.hpp"
#include "tls/certificate_manager.hpp"
#include "tls/issuer.hpp"
#include "tls/ocsp_stapler.hpp"
#include "tls/pki_app.hpp"
#include "tls/storage.hpp"
#include "tls/storage_cleaner.hpp"

#include <memory>
#include <string>
#include <vector>

namespace proxflow::tls {

struct AutomationPolicy {
    std::vector<std::string> subjects; // empty: every name (a catch-all policy)
    std::vector<std::shared_ptr<Issuer>> issuers; // tried in order; Caddy's defaults (ACME) when none are given
    KeyType key_type = KeyType::p256;
    double renewal_window_ratio = 1.0 / 3;
    bool on_demand = false;
    bool disable_ocsp_stapling = false;
    std::vector<std::string> get_certificate_urls; // get_certificate [{via: http, url}]
    std::string path;
    bool covers_exactly(const std::string& name) const;
    bool covers(const std::string& name) const;
    IssuancePlan plan() const { return {issuers, key_type, renewal_window_ratio}; }
};

// Caddy's getAutomationPolicyForName: an exact subject, then a wildcard subject, then a catch-all.
const AutomationPolicy* policy_for(const std::vector<AutomationPolicy>& policies, const std::string& name);

// `apps.tls.automation.on_demand`: who may have a certificate made during a handshake.
struct OnDemandConfig {
    std::string ask;                        // empty: anyone (Caddy warns; so do we)
    std::chrono::nanoseconds rate_interval{};
    int rate_burst = 0;
};

class TlsApp {
public:
    static std::shared_ptr<TlsApp> from_json(const json* tls, const json* pki, Storage storage, BuildContext& build);

    const std::shared_ptr<CertificateCache>& cache() const { return cache_; }
    // null unless a policy issues on demand or asks a get_certificate manager.
    std::shared_ptr<OnDemandSource> on_demand() const { return on_demand_; }
    const Storage& storage() const { return storage_; }

    // A loaded (not managed) certificate covers this name: automatic HTTPS leaves it alone.
    bool has_loaded_certificate(const std::string& name) const;
    // Whether the certificate's OCSP status is stapled: not when `disable_ocsp_stapling` is set for
    // the app, or (for a managed certificate) by the policy that manages its name.
    bool staples_ocsp(const Certificate& cert) const;
    // An explicit automation policy names this subject.
    bool has_policy_for(const std::string& name) const;
    // Puts names under management, each with its policy's issuer (internal for the internal names
    // automatic HTTPS found without a policy). Throws ConfigError naming `path` for what cannot be.
    void manage(const std::vector<std::string>& names, bool found_by_automatic_https, const std::string& path);

private:
    explicit TlsApp(Storage storage) : storage_(std::move(storage)) {}

    Storage storage_;
    std::shared_ptr<CertificateCache> cache_ = std::make_shared<CertificateCache>();
    std::shared_ptr<OnDemandSource> on_demand_;
    std::unique_ptr<PkiApp> pki_;
    std::vector<AutomationPolicy> policies_;
    std::shared_ptr<CertificateManager> manager_;
    std::shared_ptr<OcspStapler> stapler_;
    std::shared_ptr<StorageCleaner> cleaner_;
    std::vector<std::string> automate_; // certificates.automate
    bool disable_ocsp_stapling_ = false;
};

// certmagic's rules: whether a name can have a certificate at all, and whether a public CA could issue it.
bool subject_qualifies_for_cert(const std::string& name);
bool subject_is_internal(const std::string& name);

} // namespace proxflow::tls
