#pragma once
// Certificate keys of the kinds an automation policy's key_type names (Caddy's default: p256).
#include "tls/certificate.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace proxflow::tls {

enum class KeyType { ed25519, p256, p384, rsa2048, rsa4096 };

std::optional<KeyType> parse_key_type(std::string_view name);
std::string_view key_type_name(KeyType type);

PkeyPtr generate_key(KeyType type);

} // namespace proxflow::tls
