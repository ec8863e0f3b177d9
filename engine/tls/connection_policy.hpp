#pragma once
// One entry of a server's `tls_connection_policies` (Caddy's caddytls.ConnectionPolicy), built
// into an OpenSSL context once per config. The first policy whose matchers take the ClientHello wins.
#include "config/object_reader.hpp"
#include "http/client_stream.hpp"
#include "tls/certificate.hpp"

#include <memory>
#include <string>
#include <vector>

namespace proxflow::tls {

enum class ClientAuthMode { none, request, require, verify_if_given, require_and_verify };

// certificate_selection: which of the certificates for a name may serve (Caddy's CustomCertSelectionPolicy).
struct CertificateSelection {
    std::vector<std::string> serial_numbers;       // decimal, as Caddy's big.Int text
    std::vector<std::string> subject_organizations;
    std::string public_key_algorithm;              // "rsa", "ecdsa", "ed25519"
    std::vector<std::string> any_tag, all_tags;
    bool empty() const;
    bool accepts(const Certificate& cert) const;
};

class ConnectionPolicy {
public:
    static std::unique_ptr<ConnectionPolicy> from_json(const json& value, const std::string& path);

    bool matches(std::string_view server_name) const;
    // The certificate for a name (exact, then one-label wildcard), within certificate_selection.
    std::shared_ptr<const Certificate> select(const CertificateCache& cache, std::string_view name) const;

    ssl::context& context() const { return *context_; }
    const std::string& default_sni() const { return default_sni_; }
    ClientAuthMode client_auth() const { return client_auth_; }
    // The server's ALPN protocols in wire format (length-prefixed), in preference order.
    const std::string& alpn_wire() const { return alpn_wire_; }
    bool trusts_leaf(X509* cert) const;
    bool has_trusted_leaves() const { return !trusted_leaves_.empty(); }

private:
    std::vector<std::string> match_sni_;
    CertificateSelection selection_;
    std::string default_sni_;
    std::string alpn_wire_;
    ClientAuthMode client_auth_ = ClientAuthMode::none;
    std::vector<std::string> trusted_leaves_; // DER
    std::unique_ptr<ssl::context> context_;
};

} // namespace proxflow::tls

namespace proxflow::tls {
// Marks a connection as answering an acme-tls/1 challenge: its ALPN callback then picks acme-tls/1.
void select_acme_tls_alpn(SSL* ssl);
} // namespace proxflow::tls
