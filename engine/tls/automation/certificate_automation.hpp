#pragma once
// Certificates that come from issuers, kept current while a config is live (certmagic's Config):
// names to manage ahead of time are loaded from the storage or obtained at start and renewed
// before they run out; on-demand names are obtained while their first handshake waits. Failures
// are logged and retried with backoff; nothing here stops the engine from serving other names.
// Runs on the engine's background thread; obtain() may be called from any worker.
#include "core/build_context.hpp"
#include "tls/automation/automation_config.hpp"
#include "tls/automation/rate_window.hpp"
#include "tls/certificate.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace proxflow::tls {

class CertificateAutomation : public BackgroundTask,
                              public OnDemandSource,
                              public std::enable_shared_from_this<CertificateAutomation> {
public:
    CertificateAutomation(AutomationConfig config, Storage storage, std::shared_ptr<CertificateCache> cache,
                          asio::io_context& background, std::vector<std::string> managed_names);

    void start() override;
    void stop() override;
    awaitable<std::shared_ptr<const Certificate>> obtain(std::string server_name) override;

    const AutomationConfig& config() const { return config_; }
    // True when some policy issues on demand (the TLS servers then consult obtain()).
    bool any_on_demand() const;

private:
    struct Pending;

    awaitable<void> maintain(std::string name);
    awaitable<std::shared_ptr<const Certificate>> on_demand(std::string name);
    // Loads from the storage (any of the policy's issuers), else issues; one attempt at a time per name.
    awaitable<std::shared_ptr<const Certificate>> load_or_issue(const std::string& name, bool force_issue);
    awaitable<std::shared_ptr<const Certificate>> issue(const std::string& name, const AutomationPolicy& policy);
    std::shared_ptr<const Certificate> load_stored(const std::string& name, const AutomationPolicy& policy) const;
    awaitable<std::shared_ptr<const Certificate>> from_managers(const std::string& name, const AutomationPolicy& policy);
    awaitable<bool> ask_allows(const std::string& name);
    awaitable<bool> sleep(std::chrono::nanoseconds d);

    AutomationConfig config_;
    Storage storage_;
    std::shared_ptr<CertificateCache> cache_;
    asio::io_context& background_;
    std::vector<std::string> managed_;
    // Touched only on the background thread:
    bool stopped_ = false;
    std::set<asio::steady_timer*> sleeping_;
    std::map<std::string, std::shared_ptr<Pending>> pending_;
    RateWindow rate_;
};

bool needs_renewal(const Certificate& cert, double renewal_window_ratio, std::chrono::system_clock::time_point now);

} // namespace proxflow::tls
