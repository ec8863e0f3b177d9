#pragma once
// Managed certificates (Caddy's automation): each name gets its certificate from its policy's
// issuer, is kept in storage (certificates/<issuer>/<name>/<name>.crt|.key|.json, as certmagic
// lays it out) and reused across restarts, and is renewed in the background before it runs out.
#include "core/build_context.hpp"
#include "tls/certificate.hpp"
#include "tls/issuer.hpp"
#include "tls/local_ca.hpp"
#include "tls/storage.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace proxflow::tls {

class CertificateManager final : public BackgroundTask, public std::enable_shared_from_this<CertificateManager> {
public:
    CertificateManager(std::shared_ptr<CertificateCache> cache, Storage storage, asio::io_context& background)
        : cache_(std::move(cache)), storage_(std::move(storage)), io_(background), timer_(background) {}

    // Takes a name under management. A valid stored certificate is served at once; otherwise an
    // offline issuer (internal) issues now and a networked one (ACME) in the background.
    // Throws ConfigError at path when issuing fails.
    void manage(const std::string& name, std::shared_ptr<Issuer> issuer, double renewal_window_ratio, const std::string& path);
    // CAs whose intermediates the background task keeps fresh.
    void maintain_ca(std::shared_ptr<LocalCa> ca) {
        if (std::find(cas_.begin(), cas_.end(), ca) == cas_.end()) cas_.push_back(std::move(ca));
    }

    void start() override;
    void stop() override;

private:
    struct Managed {
        std::string name;
        std::shared_ptr<Issuer> issuer;
        double ratio = 1.0 / 3;
        std::shared_ptr<const Certificate> current;
    };

    bool due(const Managed& m) const;
    std::shared_ptr<Certificate> load_stored(const Managed& m) const;
    void keep(Managed& m, std::shared_ptr<Certificate> cert);
    void maintain_cas();
    void keep_renewed(Managed& m, std::shared_ptr<Certificate> cert);
    static void report_failure(const std::string& name, const std::string& why);
    std::chrono::steady_clock::time_point next_check() const;
    static awaitable<void> run(std::shared_ptr<CertificateManager> self);

    std::shared_ptr<CertificateCache> cache_;
    Storage storage_;
    asio::io_context& io_;
    asio::steady_timer timer_;
    std::vector<Managed> managed_;
    std::vector<std::shared_ptr<LocalCa>> cas_;
    std::atomic<bool> stopped_{false};
};

} // namespace proxflow::tls
