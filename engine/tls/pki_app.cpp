#include "tls/pki_app.hpp"

namespace proxflow::tls {

namespace {

// A CA's `root` or `intermediate` key pair; its files are read now, so a bad one is an error at its path.
std::optional<KeyPairFiles> key_pair(ObjectReader& ca, const char* field) {
    const json* value = ca.take(field);
    if (!value) return std::nullopt;
    ObjectReader r(*value, ca.path_of(field));
    KeyPairFiles files{r.string("certificate"), r.string("private_key")};
    const std::string format = r.string("format");
    if (!format.empty() && format != "pem_file") throw ConfigError(r.path_of("format"), "unsupported format: " + format + " (pem_file)");
    r.finish();
    if (files.certificate.empty()) throw ConfigError(r.path_of("certificate"), "the certificate file is missing");
    if (files.private_key.empty()) throw ConfigError(r.path_of("private_key"), "the private key file is missing");
    try {
        load_key_pair(files);
    } catch (const std::runtime_error& e) {
        throw ConfigError(r.path(), e.what());
    }
    return files;
}

} // namespace

std::unique_ptr<PkiApp> PkiApp::from_json(const json* value, const std::string& path, const Storage& storage) {
    std::unique_ptr<PkiApp> app(new PkiApp(storage));
    app->configs_["local"] = LocalCaConfig{};
    if (!value) return app;
    ObjectReader r(*value, path);
    if (const json* cas = r.take("certificate_authorities")) {
        const std::string cpath = r.path_of("certificate_authorities");
        expect_object(*cas, cpath);
        for (auto it = cas->begin(); it != cas->end(); ++it) {
            ObjectReader c(it.value(), join_path(cpath, it.key()));
            LocalCaConfig config;
            config.id = it.key();
            config.name = c.string("name", config.name);
            config.root_common_name = c.string("root_common_name", config.root_common_name);
            config.intermediate_common_name = c.string("intermediate_common_name", config.intermediate_common_name);
            const auto lifetime = c.duration("intermediate_lifetime", config.intermediate_lifetime);
            if (lifetime < std::chrono::minutes(1)) throw ConfigError(c.path_of("intermediate_lifetime"), "must be at least a minute");
            config.intermediate_lifetime = std::chrono::duration_cast<std::chrono::seconds>(lifetime);
            // ProxFlow never installs its root into the system trust store; the setting is accepted
            // so Caddy configs load, and docs/tls.md says where the root is to trust it by hand.
            c.boolean("install_trust");
            config.root = key_pair(c, "root");
            config.intermediate = key_pair(c, "intermediate");
            if (c.has("storage"))
                throw ConfigError(c.path_of("storage"), "\"storage\" is not supported by ProxFlow yet (the CA is kept in the global storage)");
            c.finish();
            app->configs_[it.key()] = std::move(config);
        }
    }
    r.finish();
    return app;
}

std::shared_ptr<LocalCa> PkiApp::ca(const std::string& id, const std::string& path) {
    if (auto it = made_.find(id); it != made_.end()) return it->second;
    auto config = configs_.find(id);
    if (config == configs_.end()) throw ConfigError(path, "no certificate authority configured with id \"" + id + "\"");
    try {
        auto ca = std::make_shared<LocalCa>(config->second, storage_);
        made_[id] = ca;
        return ca;
    } catch (const std::runtime_error& e) {
        throw ConfigError(path, std::string("certificate authority \"") + id + "\": " + e.what());
    }
}

std::vector<std::shared_ptr<LocalCa>> PkiApp::in_use() const {
    std::vector<std::shared_ptr<LocalCa>> out;
    for (const auto& [id, ca] : made_) out.push_back(ca);
    return out;
}

} // namespace proxflow::tls
