#pragma once
// The `acme` issuer module (Caddy's caddytls.ACMEIssuer): an account per CA and email kept in the
// storage (acme/<ca>/users/<email>/), http-01 answered by the HTTP listeners and tls-alpn-01 by
// the TLS ones (or by listeners of its own on the alternate ports), and test_ca tried first after
// a failure so the main CA's rate limits are spared.
#include "config/object_reader.hpp"
#include "tls/acme/account.hpp"
#include "tls/acme/challenge_store.hpp"
#include "tls/acme/order.hpp"
#include "tls/issuer.hpp"
#include "tls/storage.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace proxflow::tls::acme {

inline constexpr const char* lets_encrypt_directory = "https://acme-v02.api.letsencrypt.org/directory";

struct AcmeIssuerConfig {
    std::string ca = lets_encrypt_directory;
    std::string test_ca;
    std::string email;
    ExternalAccount external_account;
    std::chrono::nanoseconds timeout{std::chrono::minutes(2)}; // acme_timeout: one order from start to download
    std::vector<std::string> trusted_roots_pem_files;
    ChallengeOptions challenges;
    // Ports of listeners of the engine's own that answer the challenge while an order runs (0: none;
    // the config's servers answer on theirs), on bind_host (empty: every interface).
    unsigned http_alternate_port = 0, tls_alpn_alternate_port = 0;
    std::string bind_host;

    // Reads the fields of an `acme` issuer (and the ones `zerossl` shares with it) from r; the
    // caller has taken `module` and calls finish().
    static AcmeIssuerConfig read(ObjectReader& r);
};

// certmagic's issuer key: the CA URL's host and path, '/' as '-' ("127.0.0.1:14000/dir" -> "127.0.0.1-14000-dir").
std::string acme_issuer_key(const std::string& ca);

class AcmeIssuer : public Issuer {
public:
    // Throws std::runtime_error when a trusted root file cannot be read.
    AcmeIssuer(AcmeIssuerConfig config, Storage storage, ChallengeStore& challenges = ChallengeStore::shared());

    std::string storage_key() const override { return Storage::safe_key(acme_issuer_key(config_.ca)); }
    awaitable<std::shared_ptr<Certificate>> issue(std::vector<std::string> names, KeyType key_type) override;

    const AcmeIssuerConfig& config() const { return config_; }

protected:
    // ZeroSSL fetches its EAB credentials before the first order.
    virtual awaitable<ExternalAccount> external_account() { co_return config_.external_account; }

private:
    awaitable<std::string> order_from(const std::string& ca, const std::vector<std::string>& names, const std::string& csr);
    awaitable<void> open_account(Session& session, const std::string& ca);

    AcmeIssuerConfig config_;
    Storage storage_;
    ChallengeStore& challenges_;
    HttpsClient http_;
    bool last_failed_ = false;
};

} // namespace proxflow::tls::acme
