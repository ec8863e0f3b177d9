#pragma once
// The password hashes of Caddy's http_basic provider (http.authentication.hashes.*): bcrypt, checked
// by libxcrypt's crypt_rn, and scrypt, derived with OpenSSL's KDF using Caddy's default parameters.
#include "config/object_reader.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace proxflow {

class PasswordHash {
public:
    // From the provider's "hash" object ({"algorithm": "bcrypt"} when absent, as Caddy); throws
    // ConfigError naming path for an unknown algorithm or field.
    static PasswordHash from_json(const json* hash, const std::string& path);

    // Whether plaintext hashes to hashed (the decoded password of an account) with salt (scrypt
    // only), compared in constant time. A hash that is not of this algorithm's form never matches.
    bool matches(std::string_view hashed, std::string_view salt, std::string_view plaintext) const;
    // What `caddy hash-password` prints for plaintext: a bcrypt hash at Caddy's cost (14) in Modular
    // Crypt Format, or scrypt's key in base64 (salt is the raw salt). Throws std::runtime_error when
    // the system cannot hash (no entropy).
    std::string hash(std::string_view plaintext, std::string_view salt) const;
    // What an unknown user's password is compared with, so that a missing account takes as long as
    // a wrong password (Caddy's FakeHash).
    const std::string& fake_hash() const;

private:
    enum class Algorithm { bcrypt, scrypt };
    Algorithm algorithm_ = Algorithm::bcrypt;
    std::uint64_t n_ = 32768;
    std::uint64_t r_ = 8;
    std::uint64_t p_ = 1;
    std::size_t key_length_ = 32;
};

// Go's base64.StdEncoding.DecodeString: the standard alphabet, padded, CR and LF ignored; false
// when text is not that.
bool decode_base64(std::string_view text, std::string& out);
// Go's base64.StdEncoding.EncodeToString.
std::string encode_base64(std::string_view bytes);

} // namespace proxflow
