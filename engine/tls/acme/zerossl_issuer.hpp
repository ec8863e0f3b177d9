#pragma once
// The `zerossl` issuer module (Caddy 2.6's caddytls.ZeroSSLIssuer): ACME at ZeroSSL's directory,
// with external account credentials fetched from ZeroSSL's API (by api_key, or by email) unless
// the config gives them. The acme issuer's fields are read at the same level, as Caddy embeds them.
#include "tls/acme/acme_issuer.hpp"

namespace proxflow::tls::acme {

inline constexpr const char* zerossl_directory = "https://acme.zerossl.com/v2/DV90";
inline constexpr const char* zerossl_api = "https://api.zerossl.com";

class ZeroSslIssuer : public AcmeIssuer {
public:
    ZeroSslIssuer(AcmeIssuerConfig config, std::string api_key, const Storage& storage)
        : AcmeIssuer(std::move(config), storage), api_key_(std::move(api_key)) {}

    static std::shared_ptr<ZeroSslIssuer> make(ObjectReader& r, const Storage& storage);

protected:
    awaitable<ExternalAccount> external_account() override;

private:
    std::string api_key_;
    ExternalAccount fetched_;
};

} // namespace proxflow::tls::acme
