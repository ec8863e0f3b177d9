#include "tls/key_type.hpp"

#include <openssl/rsa.h>

#include <stdexcept>

namespace proxflow::tls {
std::optional<KeyType> parse_key_type(std::string_view name) {
    if (name == "ed25519") return KeyType::ed25519;
    if (name == "p256") return KeyType::p256;
    if (name == "p384") return KeyType::p384;
    if (name == "rsa2048") return KeyType::rsa2048;
    if (name == "rsa4096") return KeyType::rsa4096;
    return std::nullopt;
}

std::string_view key_type_name(KeyType type) {
    switch (type) {
    case KeyType::ed25519: return "ed25519";
    case KeyType::p256: return "p256";
    case KeyType::p384: return "p384";
    case KeyType::rsa2048: return "rsa2048";
    case KeyType::rsa4096: return "rsa4096";
    }
    return "p256";
}

PkeyPtr generate_key(KeyType type) {
    EVP_PKEY* key = nullptr;
    switch (type) {
    case KeyType::ed25519: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
    case KeyType::p256: key = EVP_EC_gen("P-256"); break;
    case KeyType::p384: key = EVP_EC_gen("P-384"); break;
    case KeyType::rsa2048: key = EVP_RSA_gen(2048); break;
    case KeyType::rsa4096: key = EVP_RSA_gen(4096); break;
    }
    if (!key) throw std::runtime_error("cannot generate a " + std::string(key_type_name(type)) + " key");
    return PkeyPtr(key);
}

} // namespace proxflow::tls
