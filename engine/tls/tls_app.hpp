#pragma once
// `apps.tls` as far as certificate automation goes: the names to manage (certificates.automate),
// the automation policies, and the cache the TLS servers pick certificates from.
#include "core/build_context.hpp"
#include "tls/automation/certificate_automation.hpp"
#include "tls/certificate.hpp"
#include "tls/storage.hpp"

#include <memory>

namespace proxflow::tls {

struct TlsApp {
    std::shared_ptr<CertificateCache> cache = std::make_shared<CertificateCache>();
    std::shared_ptr<CertificateAutomation> automation; // registered as a background task of the build

    // value null: no apps.tls (nothing managed). Throws ConfigError with the JSON path.
    static TlsApp from_json(const json* value, const std::string& path, const Storage& storage, BuildContext& build);
};

} // namespace proxflow::tls
