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

// preferred_chains [smallest] { root_common_name ... | any_common_name ... }, the dispenser at the
// option's name (Caddy's ParseCaddyfilePreferredChainsOptions): the issuer's preferred_chains.
nlohmann::json parse_preferred_chains(Dispenser& d);

// `dns <provider>`, the dispenser at the provider's name: refused as Caddy 2.6.2 refuses it, since
// no DNS provider module is built in.
[[noreturn]] void refuse_dns_provider(const Dispenser& d);

// `resolvers <servers...>` or `dns_challenge_override_domain <domain>`, the dispenser at the name:
// into the issuer's challenges.dns.
void parse_dns_challenge_option(Dispenser& d, nlohmann::json& issuer);

} // namespace proxflow::caddyfile
