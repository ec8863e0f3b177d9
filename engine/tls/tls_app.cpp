#include "tls/tls_app.hpp"

namespace proxflow::tls {

TlsApp TlsApp::from_json(const json* value, const std::string& path, const Storage& storage, BuildContext& build) {
    TlsApp app;
    std::vector<std::string> automate;
    const json* automation = nullptr;
    if (value) {
        ObjectReader r(*value, path);
        if (const json* certs = r.take("certificates")) {
            ObjectReader c(*certs, r.path_of("certificates"));
            automate = c.strings("automate");
            for (std::size_t i = 0; i < automate.size(); ++i)
                if (automate[i].empty()) throw ConfigError(index_path(c.path_of("automate"), i), "an empty name");
            c.finish();
        }
        automation = r.take("automation");
        // ProxFlow never staples OCSP responses, so turning stapling off changes nothing.
        r.boolean("disable_ocsp_stapling");
        r.finish();
    }
    auto config = AutomationConfig::from_json(automation, join_path(path, "automation"), storage);
    app.automation = std::make_shared<CertificateAutomation>(std::move(config), storage, app.cache, build.background,
                                                             std::move(automate));
    build.tasks.push_back(app.automation);
    return app;
}

} // namespace proxflow::tls
