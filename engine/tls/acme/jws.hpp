#pragma once
// JSON Web Signatures as ACME uses them (RFC 8555 §6.2, RFC 7515 flattened JSON): requests signed
// with the account's ES256 key, and the external account binding signed with HMAC-SHA256.
#include "tls/certificate.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace proxflow::tls::acme {

using json = nlohmann::json;

std::string base64url(std::string_view bytes);
// Accepts padded or unpadded input, base64url or standard alphabet; throws std::invalid_argument.
std::string base64url_decode(std::string_view text);

// The ACME account key: ECDSA P-256, signing as ES256 (r||s, 32 bytes each).
class AccountKey {
public:
    static AccountKey generate();
    // Throws std::invalid_argument unless pem holds a P-256 private key.
    static AccountKey from_pem(std::string_view pem);
    std::string to_pem() const;
    json jwk() const;
    // RFC 7638 thumbprint: base64url(SHA-256 of the JWK's required members in lexicographic order).
    std::string thumbprint() const;
    std::string sign(std::string_view data) const;
    EVP_PKEY* pkey() const { return key_.get(); }

private:
    explicit AccountKey(PkeyPtr key) : key_(std::move(key)) {}
    PkeyPtr key_;
};

// A signed request body. payload: the JSON text, or "" for POST-as-GET. With an empty kid the
// header carries the JWK (newAccount), otherwise the account URL.
json sign_request(const AccountKey& key, std::string_view payload, std::string_view url, std::string_view nonce,
                  std::string_view kid);

// The externalAccountBinding member of newAccount (RFC 8555 §7.3.4): the account JWK signed with
// the CA-issued MAC key (base64url, as CAs hand it out).
json external_account_binding(const AccountKey& key, std::string_view key_id, std::string_view mac_key_b64url,
                              std::string_view url);

// The http-01/tls-alpn-01 key authorization: token "." thumbprint.
std::string key_authorization(const AccountKey& key, std::string_view token);

} // namespace proxflow::tls::acme
