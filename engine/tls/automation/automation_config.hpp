#pragma once
// `apps.tls.automation` (Caddy's caddytls.AutomationConfig): policies that say how names get
// certificates (issuers in order, key type, on-demand or ahead of time), and the on-demand guard.
#include "config/object_reader.hpp"
#include "tls/issuer.hpp"
#include "tls/storage.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace proxflow::tls {

struct AutomationPolicy {
    std::vector<std::string> subjects; // empty: every name (the catch-all policy)
    std::vector<std::shared_ptr<Issuer>> issuers;
    KeyType key_type = KeyType::p256;
    bool on_demand = false;
    double renewal_window_ratio = 1.0 / 3; // renew when this share of the lifetime is left
    std::vector<std::string> get_certificate_urls; // get_certificate [{via: http, url}]

    bool covers(std::string_view name) const;
};

struct OnDemandConfig {
    std::string ask;                       // empty: no permission check (Caddy warns; so do we)
    std::chrono::nanoseconds rate_interval{};
    int rate_burst = 0;                    // 0 with an interval: no limit
};

struct AutomationConfig {
    std::vector<AutomationPolicy> policies;
    OnDemandConfig on_demand;
    std::chrono::nanoseconds renew_interval{std::chrono::minutes(10)};

    // The first policy that covers the name; an implicit default (ACME with Let's Encrypt, then
    // ZeroSSL) when none does.
    const AutomationPolicy& policy_for(std::string_view name) const;

    static AutomationConfig from_json(const json* value, const std::string& path, const Storage& storage);

private:
    AutomationPolicy default_policy_;
};

} // namespace proxflow::tls
