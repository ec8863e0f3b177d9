#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace proxflow::caddyfile {

// The TLS parts of a native config written back as Caddyfile: the certificate global options
// (storage, email/acme_ca/acme_ca_root/acme_eab, cert_issuer, local_certs, key_type, ocsp_stapling,
// on_demand_tls, intervals, default_sni, pki, skip_install_trust) and each site's `tls` directive
// (issuers, key_type, on_demand, get_certificate, cert/key, protocols, ciphers, curves, alpn,
// client_auth).
//
// Caddy's adapter derives these JSON shapes from sites and options through many rules (policies
// split, merged, shadowed, defaults filled in), so the export is checked, not trusted: verify()
// compares what the written Caddyfile adapts to with the source and refuses any difference.
class TlsExporter {
public:
    // Throws ExportError for TLS fields no Caddyfile can say.
    explicit TlsExporter(const nlohmann::json& config);

    bool has_tls() const { return has_tls_; }
    // Hosts the TLS settings name (certificates.automate, policy subjects, SNI) that no route's host
    // matcher has: Caddy's adapter leaves the hosts of a site with a hostless key out of matchers.
    std::vector<std::string> hosts_without_site() const;
    // How the policy without subjects is written: as the global ACME options (email, acme_ca ...)
    // that fill in default issuers, as cert_issuer options, or as a hostless site's `tls`.
    enum class CatchAll { acme_options, cert_issuer, site };
    bool catch_all_in_site() const { return catch_all_ == CatchAll::site; }
    // One way to write the config: the catch-all's form, and the ACME fields written as global
    // options (null: none), which sites whose issuers are just those defaults then leave out.
    struct Form {
        CatchAll catch_all;
        nlohmann::json acme_defaults;
    };
    std::vector<Form> forms() const;
    TlsExporter with(const Form& form) const {
        TlsExporter copy = *this;
        copy.catch_all_ = form.catch_all;
        copy.acme_defaults_ = form.acme_defaults;
        return copy;
    }
    std::vector<std::string> global_lines() const;
    // Lines of the site's `tls` directive (empty: none). keys: the site's addresses; server: its
    // server's name.
    std::vector<std::string> site_lines(const std::string& server, const std::vector<std::string>& keys) const;
    // Throws ExportError naming the first JSON path where adapted differs from the source's TLS parts.
    void verify(const nlohmann::json& adapted) const;

private:
    nlohmann::json config_;
    bool has_tls_ = false;
    CatchAll catch_all_ = CatchAll::cert_issuer;
    nlohmann::json catch_all_policy_; // null: none
    nlohmann::json acme_defaults_;    // null: no global ACME options
};

} // namespace proxflow::caddyfile
