#pragma once
// The ACME account (RFC 8555 §7.3): registered once per CA and email, with an external account
// binding when the CA asks for one (ZeroSSL, or pebble with externalAccountBindingRequired).
#include "tls/acme/session.hpp"

#include <string>

namespace proxflow::tls::acme {

struct ExternalAccount {
    std::string key_id, mac_key; // mac_key: base64url, as the CA gives it
    bool empty() const { return key_id.empty(); }
};

// Registers (or finds, for a key the CA knows) the account and sets session.account_url.
awaitable<void> register_account(Session& session, const std::string& email, const ExternalAccount& eab);

} // namespace proxflow::tls::acme
