#pragma once
// Issuer modules by name (`issuers[].module`): one line per module in issuer_registry.cpp.
#include "config/object_reader.hpp"
#include "tls/issuer.hpp"
#include "tls/storage.hpp"

#include <memory>

namespace proxflow::tls {

// Throws ConfigError at the path of what is wrong, or of `module` when it is unknown.
std::shared_ptr<Issuer> make_issuer(const json& value, const std::string& path, const Storage& storage);

// What Caddy uses when a policy names no issuers: Let's Encrypt, then ZeroSSL (email from the
// policy's context, may be empty).
std::vector<std::shared_ptr<Issuer>> default_issuers(const Storage& storage, const std::string& email);

} // namespace proxflow::tls
