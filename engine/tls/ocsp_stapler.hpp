#pragma once
// OCSP stapling as certmagic does it: every served certificate whose leaf names an OCSP responder
// gets the responder's answer stapled in its handshakes. Answers are kept in storage
// (ocsp/<name>-<hash>) and reused across restarts while fresh, and asked for again every
// `ocsp_interval` and once an answer is halfway between its thisUpdate and nextUpdate.
#include "module/periodic_task.hpp"
#include "tls/acme/https_client.hpp"
#include "tls/certificate.hpp"
#include "tls/ocsp.hpp"
#include "tls/storage.hpp"

#include <functional>
#include <map>
#include <memory>

namespace proxflow::tls {

class OcspStapler final : public PeriodicTask {
public:
    static constexpr std::chrono::hours default_interval{1};

    // stapling_disabled: true for a certificate whose policy turns stapling off.
    OcspStapler(std::shared_ptr<CertificateCache> cache, Storage storage, asio::io_context& background,
                std::function<bool(const Certificate&)> stapling_disabled);

    void set_interval(std::chrono::nanoseconds every) { interval_ = every; }

    // certmagic's key: ocsp/<first name>-<FNV-1a of the PEM chain>.
    static std::string storage_key(const Certificate& cert);

    // Staples the stored answers that are still fresh, without the network (while the config loads,
    // so the first handshakes have them).
    void staple_from_storage();

private:
    struct Seen {
        std::weak_ptr<const Certificate> cert;
        std::chrono::system_clock::time_point asked{};
        bool failed = false;
    };

    bool wants_staple(const Certificate& cert) const;
    bool due(const Certificate& cert, const Seen& seen, std::chrono::system_clock::time_point now) const;
    awaitable<void> refresh(std::shared_ptr<const Certificate> cert, Seen& seen);
    void staple(const Certificate& cert, OcspStaple staple) const;
    awaitable<std::chrono::steady_clock::time_point> round() override;

    std::shared_ptr<CertificateCache> cache_;
    Storage storage_;
    std::function<bool(const Certificate&)> stapling_disabled_;
    std::chrono::nanoseconds interval_ = default_interval;
    acme::HttpsClient client_;
    std::map<const Certificate*, Seen> seen_;
};

} // namespace proxflow::tls
