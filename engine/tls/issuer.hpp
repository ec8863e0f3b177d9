#pragma once
// What an automation policy's `issuers` entries are: something that turns names into a signed
// certificate (ACME, ZeroSSL, the internal CA). The policy tries them in order until one succeeds.
#include "http/beast.hpp"
#include "tls/key_type.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace proxflow::tls {

// A freshly issued certificate as it is stored (certmagic's CertificateResource).
struct IssuedCertificate {
    std::string chain_pem;     // leaf first
    std::string key_pem;
    nlohmann::json issuer_data; // what the issuer wants kept beside it (ACME: the certificate URL)
};

class Issuer {
public:
    virtual ~Issuer() = default;
    // Where this issuer's certificates live in the storage: certificates/<key>/<name>/ (certmagic's IssuerKey).
    virtual std::string key() const = 0;
    // Runs on the engine's background thread; throws std::exception with the reason it failed.
    virtual awaitable<IssuedCertificate> issue(std::vector<std::string> names, KeyType key_type) = 0;
};

} // namespace proxflow::tls
