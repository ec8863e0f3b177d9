#include "tls/acme/private_key.hpp"

#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>

namespace proxflow::tls::acme {
namespace {
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
} // namespace

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

std::string private_key_pem(EVP_PKEY* key) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

PkeyPtr private_key_from_pem(std::string_view pem) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

} // namespace proxflow::tls::acme
