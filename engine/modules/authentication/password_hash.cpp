#include "modules/authentication/password_hash.hpp"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace proxflow {

PasswordHash PasswordHash::from_json(const json* hash, const std::string& path) {
    PasswordHash out;
    if (!hash) return out;
    ObjectReader r(expect_object(*hash, path), path);
    const std::string algorithm = r.string("algorithm");
    if (algorithm == "bcrypt") {
        out.algorithm_ = Algorithm::bcrypt;
    } else if (algorithm == "scrypt") {
        out.algorithm_ = Algorithm::scrypt;
        // Zero means Caddy's default (SetDefaults).
        const auto param = [&](std::string_view key, std::uint64_t fallback) {
            const std::int64_t v = r.integer(key, 0);
            if (v < 0) throw ConfigError(r.path_of(key), "must not be negative");
            return v == 0 ? fallback : static_cast<std::uint64_t>(v);
        };
        out.n_ = param("N", 32768);
        out.r_ = param("r", 8);
        out.p_ = param("p", 1);
        out.key_length_ = param("key_length", 32);
        if (out.n_ < 2 || (out.n_ & (out.n_ - 1)) != 0) throw ConfigError(r.path_of("N"), "must be a power of two above 1");
    } else {
        throw ConfigError(r.path_of("algorithm"), "unknown password hash '" + algorithm + "' (bcrypt or scrypt)");
    }
    r.finish();
    return out;
}

namespace {

bool scrypt_key(std::string_view plaintext, std::string_view salt, std::uint64_t n, std::uint64_t r, std::uint64_t p, std::string& key) {
    // scrypt needs 128·r·(N+2) bytes of work memory, beyond OpenSSL's 32 MiB default cap at Caddy's parameters.
    const std::uint64_t maxmem = 128 * r * (n + 2) + 128 * r * p + (1u << 20);
    return EVP_PBE_scrypt(plaintext.data(), plaintext.size(), reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), n, r, p,
                          maxmem, reinterpret_cast<unsigned char*>(key.data()), key.size()) == 1;
}

} // namespace

std::string PasswordHash::hash(std::string_view plaintext, std::string_view salt) const {
    if (algorithm_ == Algorithm::scrypt) {
        std::string key(key_length_, '\0');
        if (!scrypt_key(plaintext, salt, n_, r_, p_, key)) throw std::runtime_error("scrypt failed");
        return encode_base64(key);
    }
    if (plaintext.find('\0') != std::string_view::npos) throw std::runtime_error("a password must not contain NUL");
    // Go's bcrypt writes the $2a$ prefix, at Caddy's cost of 14.
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$2a$", 14, nullptr, 0, setting, sizeof setting)) throw std::runtime_error("bcrypt: no salt could be made");
    auto data = std::make_unique<crypt_data>();
    const char* result = crypt_rn(std::string(plaintext).c_str(), setting, data.get(), sizeof(crypt_data));
    if (!result || result[0] == '*') throw std::runtime_error("bcrypt hashing failed");
    return result;
}

bool PasswordHash::matches(std::string_view hashed, std::string_view salt, std::string_view plaintext) const {
    if (algorithm_ == Algorithm::scrypt) {
        std::string key(key_length_, '\0');
        if (!scrypt_key(plaintext, salt, n_, r_, p_, key)) return false;
        return key.size() == hashed.size() && CRYPTO_memcmp(key.data(), hashed.data(), key.size()) == 0;
    }
    // crypt reads NUL-terminated strings: a NUL inside either would cut it short.
    const std::string phrase(plaintext), setting(hashed);
    if (phrase.find('\0') != std::string::npos || setting.find('\0') != std::string::npos || !setting.starts_with("$2")) return false;
    auto data = std::make_unique<crypt_data>(); // zeroed, as crypt_rn wants it on first use
    const char* result = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
    if (!result || result[0] == '*') return false;
    const std::string_view computed(result);
    return computed.size() == setting.size() && CRYPTO_memcmp(computed.data(), setting.data(), setting.size()) == 0;
}

const std::string& PasswordHash::fake_hash() const {
    // Caddy's: `caddy hash-password --plaintext antitiming` for bcrypt, with --salt fakesalt for scrypt.
    static const std::string bcrypt = "$2a$14$X3ulqf/iGxnf1k6oMZ.RZeJUoqI9PX2PM4rS5lkIKJXduLGXGPrt6";
    static const std::string scrypt = [] {
        std::string out;
        decode_base64("kFbjiVemlwK/ZS0tS6/UQqEDeaNMigyCs48KEsGUse8=", out);
        return out;
    }();
    return algorithm_ == Algorithm::bcrypt ? bcrypt : scrypt;
}

bool decode_base64(std::string_view text, std::string& out) {
    out.clear();
    unsigned buffer = 0;
    int bits = 0, chars = 0, padding = 0;
    for (char c : text) {
        if (c == '\r' || c == '\n') continue;
        ++chars;
        if (c == '=') {
            ++padding;
            continue;
        }
        if (padding) return false; // data after padding
        int v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '+') v = 62;
        else if (c == '/') v = 63;
        else return false;
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    // Padded to whole quads, with no more padding than the last quad needs (stray low bits are
    // ignored, as Go's non-strict decoding does).
    return chars % 4 == 0 && padding <= 2 && (!padding || (chars - padding) % 4 + padding == 4);
}

std::string encode_base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

} // namespace proxflow
