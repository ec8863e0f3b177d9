#include "tls/issuer.hpp"

#include "tls/acme/acme_issuer.hpp"
#include "tls/acme/zerossl_issuer.hpp"

#include <functional>
#include <map>

namespace proxflow::tls {

std::shared_ptr<Issuer> make_internal_issuer(const json& value, const std::string& path, IssuerContext& context);

namespace {

using IssuerFactory = std::function<std::shared_ptr<Issuer>(const json&, const std::string&, IssuerContext&)>;

// The ACME modules read their fields from one reader; a trusted root file that cannot be read is
// reported at the issuer's path.
template <class Make>
std::shared_ptr<Issuer> read_acme(const json& value, const std::string& path, Make make) {
    ObjectReader r(value, path);
    r.skip("module");
    std::shared_ptr<Issuer> issuer;
    try {
        issuer = make(r);
    } catch (const ConfigError&) {
        throw;
    } catch (const std::exception& e) {
        throw ConfigError(path, e.what());
    }
    r.finish();
    return issuer;
}

std::shared_ptr<Issuer> make_acme_issuer(const json& value, const std::string& path, IssuerContext& context) {
    return read_acme(value, path, [&](ObjectReader& r) {
        return std::make_shared<acme::AcmeIssuer>(acme::AcmeIssuerConfig::read(r), context.storage);
    });
}

std::shared_ptr<Issuer> make_zerossl_issuer(const json& value, const std::string& path, IssuerContext& context) {
    return read_acme(value, path, [&](ObjectReader& r) { return acme::ZeroSslIssuer::make(r, context.storage); });
}

const std::map<std::string, IssuerFactory, std::less<>>& issuer_registry() {
    static const std::map<std::string, IssuerFactory, std::less<>> registry{
        {"internal", make_internal_issuer},
        {"acme", make_acme_issuer},
        {"zerossl", make_zerossl_issuer},
    };
    return registry;
}

} // namespace

std::shared_ptr<Issuer> make_issuer(const json& value, const std::string& path, IssuerContext& context) {
    expect_object(value, path);
    const auto module = value.contains("module") && value["module"].is_string() ? value["module"].get<std::string>() : "";
    if (module.empty()) throw ConfigError(join_path(path, "module"), "an issuer needs a module");
    const auto& registry = issuer_registry();
    auto it = registry.find(module);
    if (it == registry.end())
        throw ConfigError(join_path(path, "module"), "issuer module \"" + module + "\" is not supported by ProxFlow yet");
    return it->second(value, path, context);
}

std::vector<std::shared_ptr<Issuer>> default_acme_issuers(IssuerContext& context) {
    acme::AcmeIssuerConfig zerossl;
    zerossl.ca = acme::zerossl_directory;
    return {std::make_shared<acme::AcmeIssuer>(acme::AcmeIssuerConfig{}, context.storage),
            std::make_shared<acme::ZeroSslIssuer>(zerossl, "", context.storage)};
}

} // namespace proxflow::tls
