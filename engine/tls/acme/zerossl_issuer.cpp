#include "tls/acme/zerossl_issuer.hpp"

#include "http/percent_escape.hpp"

namespace proxflow::tls::acme {

std::shared_ptr<ZeroSslIssuer> ZeroSslIssuer::make(ObjectReader& r, const Storage& storage) {
    const std::string api_key = r.string("api_key");
    const bool ca_given = r.has("ca");
    AcmeIssuerConfig config = AcmeIssuerConfig::read(r);
    if (!ca_given) config.ca = zerossl_directory;
    if (api_key.empty() && config.email.empty() && config.external_account.empty())
        throw ConfigError(r.path(), "the zerossl issuer needs an api_key or an email (to get its external account credentials)");
    return std::make_shared<ZeroSslIssuer>(std::move(config), api_key, storage);
}

awaitable<ExternalAccount> ZeroSslIssuer::external_account() {
    if (!config().external_account.empty()) co_return config().external_account;
    if (!fetched_.empty()) co_return fetched_;
    HttpsClient http({}, std::chrono::seconds(30));
    FetchResponse res;
    if (!api_key_.empty())
        res = co_await http.fetch(http::verb::post, std::string(zerossl_api) + "/acme/eab-credentials?access_key=" + percent_escape(api_key_));
    else
        res = co_await http.fetch(http::verb::post, std::string(zerossl_api) + "/acme/eab-credentials-email",
                                  "email=" + percent_escape(config().email), "application/x-www-form-urlencoded");
    const json doc = json::parse(res.body, nullptr, false);
    if (res.status != 200 || !doc.is_object() || !doc.value("success", false) || !doc.contains("eab_kid"))
        throw AcmeError("", "ZeroSSL did not give external account credentials: HTTP " + std::to_string(res.status) + " " +
                                res.body.substr(0, 200));
    fetched_.key_id = doc.value("eab_kid", "");
    fetched_.mac_key = doc.value("eab_hmac_key", "");
    co_return fetched_;
}

} // namespace proxflow::tls::acme
