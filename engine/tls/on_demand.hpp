#pragma once
// On-demand TLS (Caddy's on_demand policies): a handshake for a name without a certificate asks
// the policy's get_certificate managers, then, when the policy is on_demand, has one loaded from
// the storage or issued, after the `ask` endpoint allowed the name and within the rate limit.
// The work runs on the background thread; the handshake's coroutine waits without blocking its worker.
#include "tls/certificate_manager.hpp"
#include "tls/rate_window.hpp"
#include "tls/tls_app.hpp"

#include <memory>
#include <string>
#include <vector>

namespace proxflow::tls {

class OnDemandIssuance final : public OnDemandSource, public std::enable_shared_from_this<OnDemandIssuance> {
public:
    OnDemandIssuance(std::vector<AutomationPolicy> policies, OnDemandConfig config, std::shared_ptr<CertificateManager> manager,
                     std::shared_ptr<CertificateCache> cache, asio::io_context& background)
        : policies_(std::move(policies)), config_(std::move(config)), manager_(std::move(manager)), cache_(std::move(cache)),
          background_(background), rate_(config_.rate_interval, config_.rate_burst) {}

    awaitable<std::shared_ptr<const Certificate>> obtain(std::string server_name) override;

private:
    awaitable<std::shared_ptr<const Certificate>> run(std::string name);
    awaitable<bool> ask_allows(const std::string& name);
    awaitable<std::shared_ptr<const Certificate>> from_managers(const std::string& name, const AutomationPolicy& policy);

    std::vector<AutomationPolicy> policies_; // a copy: a handshake may outlive the config it started with
    OnDemandConfig config_;
    std::shared_ptr<CertificateManager> manager_;
    std::shared_ptr<CertificateCache> cache_;
    asio::io_context& background_;
    RateWindow rate_; // background thread only
};

} // namespace proxflow::tls
