#include "tls/acme/jws.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <memory>
#include <stdexcept>

namespace proxflow::tls::acme {
namespace {

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct BnFree {
    void operator()(BIGNUM* b) const { BN_free(b); }
};
struct SigFree {
    void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string fixed_width(const BIGNUM* n, int width) {
    std::string out(static_cast<std::size_t>(width), '\0');
    if (BN_bn2binpad(n, reinterpret_cast<unsigned char*>(out.data()), width) != width)
        throw std::runtime_error("EC coordinate does not fit");
    return out;
}

std::string sha256(std::string_view data) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
    return std::string(reinterpret_cast<char*>(digest), sizeof(digest));
}

bool is_p256(EVP_PKEY* key) {
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
    char group[64] = {};
    std::size_t len = 0;
    return EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len) == 1 &&
           std::string_view(group) == "prime256v1";
}

} // namespace

std::string base64url(std::string_view bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (i + 1 == bytes.size()) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
    } else if (i + 2 == bytes.size()) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
    }
    return out;
}

std::string base64url_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    std::string out;
    unsigned acc = 0;
    int bits = 0;
    for (char c : text) {
        int v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '-' || c == '+') v = 62;
        else if (c == '_' || c == '/') v = 63;
        else throw std::invalid_argument("not base64url");
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    if (bits >= 6) throw std::invalid_argument("truncated base64url");
    return out;
}

AccountKey AccountKey::generate() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    if (!key) throw std::runtime_error("cannot generate a P-256 key");
    return AccountKey(PkeyPtr(key));
}

AccountKey AccountKey::from_pem(std::string_view pem) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key || !is_p256(key.get())) throw std::invalid_argument("not a P-256 private key in PEM");
    return AccountKey(std::move(key));
}

std::string AccountKey::to_pem() const {
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

json AccountKey::jwk() const {
    BIGNUM* x = nullptr;
    BIGNUM* y = nullptr;
    EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, &x);
    EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, &y);
    std::unique_ptr<BIGNUM, BnFree> xs(x), ys(y);
    if (!x || !y) throw std::runtime_error("cannot read the account key's public point");
    return {{"crv", "P-256"}, {"kty", "EC"}, {"x", base64url(fixed_width(x, 32))}, {"y", base64url(fixed_width(y, 32))}};
}

std::string AccountKey::thumbprint() const {
    // nlohmann::json keeps object members sorted and dump() adds no whitespace: RFC 7638's form.
    return base64url(sha256(jwk().dump()));
}

std::string AccountKey::sign(std::string_view data) const {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        throw std::runtime_error("ES256 signing failed");
    std::string der(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        throw std::runtime_error("ES256 signing failed");
    // OpenSSL writes an ASN.1 sequence; JWS wants the two integers side by side (RFC 7518 §3.4).
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
    if (!sig) throw std::runtime_error("ES256 signature is not DER");
    return fixed_width(ECDSA_SIG_get0_r(sig.get()), 32) + fixed_width(ECDSA_SIG_get0_s(sig.get()), 32);
}

json sign_request(const AccountKey& key, std::string_view payload, std::string_view url, std::string_view nonce,
                  std::string_view kid) {
    json header = {{"alg", "ES256"}, {"nonce", nonce}, {"url", url}};
    if (kid.empty()) header["jwk"] = key.jwk();
    else header["kid"] = kid;
    const std::string protected64 = base64url(header.dump());
    const std::string payload64 = base64url(payload);
    return {{"protected", protected64},
            {"payload", payload64},
            {"signature", base64url(key.sign(protected64 + "." + payload64))}};
}

json external_account_binding(const AccountKey& key, std::string_view key_id, std::string_view mac_key_b64url,
                              std::string_view url) {
    const std::string mac_key = base64url_decode(mac_key_b64url);
    const json header = {{"alg", "HS256"}, {"kid", key_id}, {"url", url}};
    const std::string protected64 = base64url(header.dump());
    const std::string payload64 = base64url(key.jwk().dump());
    const std::string input = protected64 + "." + payload64;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (!HMAC(EVP_sha256(), mac_key.data(), static_cast<int>(mac_key.size()),
              reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len))
        throw std::runtime_error("HMAC-SHA256 failed");
    return {{"protected", protected64},
            {"payload", payload64},
            {"signature", base64url(std::string_view(reinterpret_cast<char*>(mac), mac_len))}};
}

std::string key_authorization(const AccountKey& key, std::string_view token) {
    return std::string(token) + "." + key.thumbprint();
}

} // namespace proxflow::tls::acme
