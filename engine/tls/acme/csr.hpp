#pragma once
// The certificate signing request sent to finalize an order (RFC 8555 §7.4): every name as a
// subjectAltName (DNS or IP), the first also as the subject's CN when it fits.
#include "tls/certificate.hpp"

#include <string>
#include <vector>

namespace proxflow::tls::acme {

// DER bytes; throws std::runtime_error when OpenSSL refuses a name or the key.
std::string make_csr(EVP_PKEY* key, const std::vector<std::string>& names);

} // namespace proxflow::tls::acme
