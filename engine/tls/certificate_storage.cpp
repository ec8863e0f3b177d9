#include "tls/certificate_storage.hpp"

#include "tls/pem.hpp"

namespace proxflow::tls {

std::string certificate_key(const std::string& issuer_key, const std::string& name, std::string_view extension) {
    const std::string safe = Storage::safe_key(name);
    return "certificates/" + Storage::safe_key(issuer_key) + "/" + safe + "/" + safe + std::string(extension);
}

void save_certificate(const Storage& storage, const std::string& issuer_key, const std::string& name,
                      const IssuedCertificate& issued) {
    // The key first and the certificate last: a reader that finds the .crt finds its key too.
    storage.store(certificate_key(issuer_key, name, ".key"), issued.key_pem, /*secret=*/true);
    nlohmann::json meta = {{"sans", nlohmann::json::array({name})}, {"issuer_data", issued.issuer_data}};
    storage.store(certificate_key(issuer_key, name, ".json"), meta.dump(1, '\t'));
    storage.store(certificate_key(issuer_key, name, ".crt"), issued.chain_pem);
}

std::shared_ptr<Certificate> load_certificate(const Storage& storage, const std::string& issuer_key,
                                              const std::string& name, std::string origin) {
    const auto chain = storage.load(certificate_key(issuer_key, name, ".crt"));
    const auto key = storage.load(certificate_key(issuer_key, name, ".key"));
    if (!chain || !key) return nullptr;
    try {
        return make_certificate(certificates_from_pem(*chain), private_key_from_pem(*key), std::move(origin));
    } catch (const PemError&) {
        return nullptr;
    }
}

} // namespace proxflow::tls
