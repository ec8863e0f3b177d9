#pragma once
// The certificate that answers a tls-alpn-01 challenge (RFC 8737 §3): self-signed for the one
// name, with the critical acmeIdentifier extension holding SHA-256 of the key authorization.
#include "tls/certificate.hpp"

#include <memory>
#include <string>

namespace proxflow::tls::acme {

std::shared_ptr<Certificate> make_tls_alpn_certificate(const std::string& domain, const std::string& key_authorization);

} // namespace proxflow::tls::acme
