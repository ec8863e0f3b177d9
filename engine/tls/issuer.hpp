#pragma once
// Where managed certificates come from: `issuers` of an automation policy, one small class per
// module behind one registry (internal, acme, zerossl).
#include "config/object_reader.hpp"
#include "tls/certificate.hpp"
#include "tls/key_type.hpp"

#include <memory>
#include <string>
#include <vector>

namespace proxflow::tls {

class PkiApp;
class Storage;

class Issuer {
public:
    virtual ~Issuer() = default;
    // Its folder under certificates/ in storage (Caddy's IssuerKey: the CA id for internal).
    virtual std::string storage_key() const = 0;
    // True when issue() needs no network and returns at once: such certificates are made while
    // the config loads, so the first handshake finds them.
    virtual bool offline() const { return false; }
    // A certificate for names with a fresh key of key_type.
    // Throws std::exception with the reason it failed.
    virtual awaitable<std::shared_ptr<Certificate>> issue(std::vector<std::string> names, KeyType key_type) = 0;
};

struct IssuerContext {
    const Storage& storage;
    PkiApp& pki;
};

// One `issuers[i]` object, by its "module". Throws ConfigError naming the path.
std::shared_ptr<Issuer> make_issuer(const json& value, const std::string& path, IssuerContext& context);
// What automatic HTTPS uses for internal names with no policy of their own: internal, CA "local".
std::shared_ptr<Issuer> default_internal_issuer(IssuerContext& context);
// What Caddy uses for a policy without issuers: ACME with Let's Encrypt, then ZeroSSL.
std::vector<std::shared_ptr<Issuer>> default_acme_issuers(IssuerContext& context);

} // namespace proxflow::tls
