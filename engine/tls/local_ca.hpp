#pragma once
// A certificate authority of our own, made with OpenSSL (Caddy's `apps.pki`): a root valid ten
// years and an intermediate valid a week, kept under the storage root and reused across restarts;
// the intermediate signs the internal issuer's leaves and is renewed before it runs out. Either may
// instead be given as files (`root`, `intermediate`), which are used as they are.
#include "tls/certificate.hpp"
#include "tls/key_type.hpp"
#include "tls/storage.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace proxflow::tls {

// A CA certificate and its key given as PEM files (Caddy's KeyPair, format pem_file).
struct KeyPairFiles {
    std::string certificate, private_key;
    bool operator==(const KeyPairFiles&) const = default;
};

struct LocalCaConfig {
    std::string id = "local";
    std::string name = "Caddy Local Authority";
    std::string root_common_name = "{pki.ca.name} - {time.now.year} ECC Root";
    std::string intermediate_common_name = "{pki.ca.name} - ECC Intermediate";
    std::chrono::seconds intermediate_lifetime{7 * 24 * 3600};
    // Given pairs are used as they are: never made, stored or renewed.
    std::optional<KeyPairFiles> root, intermediate;
};

// Reads a key pair's files: the first certificate and the key, which must belong to it. Throws
// std::runtime_error naming the file.
std::pair<X509Ptr, PkeyPtr> load_key_pair(const KeyPairFiles& files);

class LocalCa {
public:
    // Loads the CA from storage or makes (and stores) it. Throws std::runtime_error.
    LocalCa(LocalCaConfig config, const Storage& storage);

    const LocalCaConfig& config() const { return config_; }
    // pki/authorities/<id>/root.crt under the storage root: what clients trust.
    std::string root_key() const { return "pki/authorities/" + config_.id + "/root.crt"; }
    std::chrono::system_clock::time_point intermediate_not_after() const;

    // A leaf for the names (DNS names, IP addresses) with a fresh key of key_type, valid `lifetime`
    // but never past its signer.
    std::shared_ptr<Certificate> sign(const std::vector<std::string>& names, std::chrono::seconds lifetime, bool with_root,
                                      KeyType key_type = KeyType::p256);

    // Renews the intermediate when a fifth of its life is left (Caddy's PKI maintenance).
    void maintain();

private:
    void make_intermediate();

    LocalCaConfig config_;
    Storage storage_;
    mutable std::mutex mutex_;
    X509Ptr root_, intermediate_;
    PkeyPtr root_key_, intermediate_key_;
};

} // namespace proxflow::tls
