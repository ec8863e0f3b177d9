#pragma once
#include "caddyfile/dispenser.hpp"

#include <nlohmann/json.hpp>

#include <memory>

namespace proxflow::caddyfile {

// One certificate issuer as Caddy's tls.issuance modules write it ({"module": "acme", ...}). Shared,
// because Caddy's adapter keeps issuers as pointers: a global cert_issuer is one object in every
// automation policy, and a later step (a site's bind host) edits it for all of them.
using Issuer = std::shared_ptr<nlohmann::json>;

// Reads `<module> [args] [{ ... }]` for the tls.issuance modules (acme, zerossl, internal), the
// dispenser at the module name; the cursor ends past the module's block.
Issuer parse_issuer(Dispenser& d);

// Reads `<module> [args]` for tls.get_certificate (http); tailscale is refused.
nlohmann::json parse_certificate_manager(Dispenser& d);

// acme and zerossl embed an ACME issuer that global options (email, acme_ca ...) fill in.
bool is_acme_issuer(const nlohmann::json& issuer);

// The ACME subdirectives that only matter for the DNS challenge, which needs a DNS provider module.
bool is_dns_challenge_option(const std::string& name);

} // namespace proxflow::caddyfile
