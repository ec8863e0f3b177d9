#pragma once
// Managed certificates in the storage, laid out as certmagic does:
// certificates/<issuer key>/<name>/<name>.crt, .key and .json (the names and the issuer's data).
#include "tls/certificate.hpp"
#include "tls/issuer.hpp"
#include "tls/storage.hpp"

#include <memory>
#include <string>

namespace proxflow::tls {

std::string certificate_key(const std::string& issuer_key, const std::string& name, std::string_view extension);

void save_certificate(const Storage& storage, const std::string& issuer_key, const std::string& name,
                      const IssuedCertificate& issued);

// null when nothing is stored for name under this issuer, or what is stored does not read back
// (a half-written or hand-edited file is treated as absent, so it gets replaced).
std::shared_ptr<Certificate> load_certificate(const Storage& storage, const std::string& issuer_key,
                                              const std::string& name, std::string origin);

} // namespace proxflow::tls
