#pragma once
// Reading and writing certificates and keys (PEM, base64 DER) with OpenSSL, and turning a chain
// and a key into a servable Certificate.
#include "tls/certificate.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace proxflow::tls {

// A certificate or key file's whole text; a ConfigError at path when it cannot be read.
std::string read_pem_file(const std::string& file, const std::string& path);

// What went wrong reading one piece; the caller adds the JSON path or file name.
struct PemError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::vector<X509Ptr> certificates_from_pem(std::string_view pem);  // throws PemError when there is none
PkeyPtr private_key_from_pem(std::string_view pem);                // throws PemError
X509Ptr certificate_from_der(std::string_view der);                // throws PemError
std::string base64_decode(std::string_view text);                  // throws PemError
std::string to_pem(X509* cert);
std::string to_pem(EVP_PKEY* key);
std::string to_der(X509* cert);

// The names a certificate covers: its DNS and IP subject alternative names, else its common name.
std::vector<std::string> certificate_names(X509* cert);
std::string serial_hex(X509* cert);
std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* t);

// Leaf first, then its chain. Throws PemError when the key does not belong to the leaf.
std::shared_ptr<Certificate> make_certificate(std::vector<X509Ptr> chain, PkeyPtr key, std::string origin,
                                              std::vector<std::string> tags = {});

// The last OpenSSL error as text (and the queue emptied).
std::string openssl_error();

} // namespace proxflow::tls
