#pragma once
// Managed certificates (Caddy's automation): each name gets its certificate from its policy's
// issuers, tried in order, is kept in storage (certificates/<issuer>/<name>/<name>.crt|.key|.json,
// as certmagic lays it out) and reused across restarts, and is renewed in the background before
// it runs out. A failure is logged and retried with backoff; served certificates stay.
#include "module/periodic_task.hpp"
#include "tls/certificate.hpp"
#include "tls/issuer.hpp"
#include "tls/local_ca.hpp"
#include "tls/storage.hpp"

#include <algorithm>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace proxflow::tls {

// How a name gets its certificate: the issuers of its policy, in order, and the key to ask for.
struct IssuancePlan {
    std::vector<std::shared_ptr<Issuer>> issuers;
    KeyType key_type = KeyType::p256;
    double renewal_window_ratio = 1.0 / 3;
};

class CertificateManager final : public PeriodicTask {
public:
    CertificateManager(std::shared_ptr<CertificateCache> cache, Storage storage, asio::io_context& background,
                       std::chrono::nanoseconds check_interval = std::chrono::minutes(10))
        : PeriodicTask(background), cache_(std::move(cache)), storage_(std::move(storage)),
          check_interval_(check_interval) {}

    // Takes a name under management. A valid stored certificate is served at once; otherwise an
    // offline issuer (internal) issues now and a networked one (ACME) in the background.
    // Throws ConfigError at path when issuing fails.
    void manage(const std::string& name, IssuancePlan plan, const std::string& path);
    // CAs whose intermediates the background task keeps fresh.
    void maintain_ca(std::shared_ptr<LocalCa> ca) {
        if (std::find(cas_.begin(), cas_.end(), ca) == cas_.end()) cas_.push_back(std::move(ca));
    }

    // On-demand issuance, on the background thread: the held or stored certificate, else (when
    // may_issue) one from the issuers; the name is managed (renewed) from then on. Two calls for
    // one name share one order. null when there is none (or every issuer failed).
    awaitable<std::shared_ptr<const Certificate>> obtain_now(std::string name, IssuancePlan plan, bool may_issue);

    void set_check_interval(std::chrono::nanoseconds every) { check_interval_ = every; }

private:
    struct Managed {
        std::string name;
        IssuancePlan plan;
        std::shared_ptr<const Certificate> current;
        std::size_t failures = 0;
        std::chrono::steady_clock::time_point retry_at{};
    };
    struct Pending;

    bool due(const Managed& m) const;
    std::shared_ptr<Certificate> load_stored(const Managed& m) const;
    void keep(Managed& m, std::shared_ptr<Certificate> cert);
    void maintain_cas();
    awaitable<bool> obtain(Managed& m);
    // obtain(), or waiting for the attempt already in progress for the name.
    awaitable<void> obtain_once(Managed& m);
    std::chrono::steady_clock::time_point next_check() const;
    awaitable<std::chrono::steady_clock::time_point> round() override;

    std::shared_ptr<CertificateCache> cache_;
    Storage storage_;
    std::chrono::nanoseconds check_interval_;
    // A list: on-demand names are added while the maintenance loop walks it.
    std::list<Managed> managed_;
    std::map<std::string, std::shared_ptr<Pending>> pending_;
    std::vector<std::shared_ptr<LocalCa>> cas_;
};

} // namespace proxflow::tls
