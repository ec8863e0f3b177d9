// The `internal` issuer: leaves signed by a CA of apps.pki (Caddy's InternalIssuer).
#include "tls/issuer.hpp"
#include "tls/pki_app.hpp"

namespace proxflow::tls {
namespace {

class InternalIssuer final : public Issuer {
public:
    InternalIssuer(std::shared_ptr<LocalCa> ca, std::chrono::seconds lifetime, bool sign_with_root)
        : ca_(std::move(ca)), lifetime_(lifetime), sign_with_root_(sign_with_root) {}

    std::string storage_key() const override { return ca_->config().id; }
    bool offline() const override { return true; }
    awaitable<std::shared_ptr<Certificate>> issue(std::vector<std::string> names, KeyType key_type) override {
        co_return ca_->sign(names, lifetime_, sign_with_root_, key_type);
    }

private:
    std::shared_ptr<LocalCa> ca_;
    std::chrono::seconds lifetime_;
    bool sign_with_root_;
};

constexpr std::chrono::seconds default_lifetime{12 * 3600};

} // namespace

std::shared_ptr<Issuer> make_internal_issuer(const json& value, const std::string& path, IssuerContext& context) {
    ObjectReader r(value, path);
    r.skip("module");
    const std::string id = r.string("ca", "local");
    const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(r.duration("lifetime", default_lifetime));
    const bool with_root = r.boolean("sign_with_root");
    r.finish();
    if (lifetime.count() < 1) throw ConfigError(join_path(path, "lifetime"), "must be at least a second");
    auto ca = context.pki.ca(id, join_path(path, "ca"));
    if (lifetime >= ca->config().intermediate_lifetime)
        throw ConfigError(join_path(path, "lifetime"), "certificate lifetime (" + format_duration(lifetime) +
                                                           ") should be less than intermediate certificate lifetime (" +
                                                           format_duration(ca->config().intermediate_lifetime) + ")");
    return std::make_shared<InternalIssuer>(std::move(ca), lifetime, with_root);
}

std::shared_ptr<Issuer> default_internal_issuer(IssuerContext& context) {
    return std::make_shared<InternalIssuer>(context.pki.ca("local", "apps.pki"), default_lifetime, false);
}

} // namespace proxflow::tls
