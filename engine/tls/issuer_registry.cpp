#include "tls/issuer_registry.hpp"

#include "tls/acme/acme_issuer.hpp"
#include "tls/acme/zerossl_issuer.hpp"

#include <functional>
#include <map>

namespace proxflow::tls {
namespace {

using Factory = std::function<std::shared_ptr<Issuer>(ObjectReader&, const Storage&)>;

const std::map<std::string, Factory, std::less<>>& factories() {
    static const std::map<std::string, Factory, std::less<>> all = {
        {"acme", [](ObjectReader& r, const Storage& s) { return std::make_shared<acme::AcmeIssuer>(acme::AcmeIssuerConfig::read(r), s); }},
        {"zerossl", [](ObjectReader& r, const Storage& s) { return acme::ZeroSslIssuer::make(r, s); }},
    };
    return all;
}

} // namespace

std::shared_ptr<Issuer> make_issuer(const json& value, const std::string& path, const Storage& storage) {
    ObjectReader r(value, path);
    const std::string module = r.string("module");
    const auto it = factories().find(module);
    if (it == factories().end())
        throw ConfigError(r.path_of("module"), "issuer module \"" + module + "\" is not supported by ProxFlow yet");
    std::shared_ptr<Issuer> issuer;
    try {
        issuer = it->second(r, storage);
    } catch (const ConfigError&) {
        throw;
    } catch (const std::exception& e) {
        throw ConfigError(path, e.what());
    }
    r.finish();
    return issuer;
}

std::vector<std::shared_ptr<Issuer>> default_issuers(const Storage& storage, const std::string& email) {
    acme::AcmeIssuerConfig lets_encrypt;
    lets_encrypt.email = email;
    acme::AcmeIssuerConfig zerossl;
    zerossl.ca = acme::zerossl_directory;
    zerossl.email = email;
    return {std::make_shared<acme::AcmeIssuer>(lets_encrypt, storage),
            std::make_shared<acme::ZeroSslIssuer>(zerossl, "", storage)};
}

} // namespace proxflow::tls
