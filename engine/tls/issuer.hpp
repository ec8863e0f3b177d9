#pragma once
// Where managed certificates come from: `issuers` of an automation policy, one small class per
// module behind one registry (internal here; ACME and ZeroSSL plug in beside it).
#include "config/object_reader.hpp"
#include "tls/certificate.hpp"

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
    virtual awaitable<std::shared_ptr<Certificate>> issue(std::vector<std::string> names) = 0;
};

struct IssuerContext {
    const Storage& storage;
    PkiApp& pki;
};

// One `issuers[i]` object, by its "module". Throws ConfigError naming the path.
std::shared_ptr<Issuer> make_issuer(const json& value, const std::string& path, IssuerContext& context);
// What automatic HTTPS uses for internal names with no policy of their own: internal, CA "local".
std::shared_ptr<Issuer> default_internal_issuer(IssuerContext& context);

} // namespace proxflow::tls
