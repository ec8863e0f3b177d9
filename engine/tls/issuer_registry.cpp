#include "tls/issuer.hpp"

#include <functional>
#include <map>

namespace proxflow::tls {

std::shared_ptr<Issuer> make_internal_issuer(const json& value, const std::string& path, IssuerContext& context);

namespace {

using IssuerFactory = std::function<std::shared_ptr<Issuer>(const json&, const std::string&, IssuerContext&)>;

const std::map<std::string, IssuerFactory, std::less<>>& issuer_registry() {
    static const std::map<std::string, IssuerFactory, std::less<>> registry{
        {"internal", make_internal_issuer},
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
    if (it == registry.end()) {
        if (module == "acme" || module == "zerossl")
            throw ConfigError(join_path(path, "module"), "issuer \"" + module + "\" is not supported by ProxFlow yet (only internal)");
        throw ConfigError(join_path(path, "module"), "unknown issuer module \"" + module + "\"");
    }
    return it->second(value, path, context);
}

} // namespace proxflow::tls
