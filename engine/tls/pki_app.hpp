#pragma once
// `apps.pki`: the certificate authorities the internal issuer signs with. A CA is made (or loaded
// from storage) the first time an issuer uses it, so a config without internal names writes nothing.
#include "config/object_reader.hpp"
#include "tls/local_ca.hpp"

#include <map>
#include <memory>
#include <string>

namespace proxflow::tls {

class PkiApp {
public:
    static std::unique_ptr<PkiApp> from_json(const json* value, const std::string& path, const Storage& storage);

    // The CA with this id ("local" always exists); throws ConfigError at path when there is none.
    std::shared_ptr<LocalCa> ca(const std::string& id, const std::string& path);
    std::vector<std::shared_ptr<LocalCa>> in_use() const;

private:
    explicit PkiApp(const Storage& storage) : storage_(storage) {}
    Storage storage_;
    std::map<std::string, LocalCaConfig> configs_;
    std::map<std::string, std::shared_ptr<LocalCa>> made_;
};

} // namespace proxflow::tls
