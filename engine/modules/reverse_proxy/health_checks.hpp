#pragma once
#include "module/build_context.hpp"
#include "modules/reverse_proxy/health_checks_config.hpp"
#include "modules/reverse_proxy/upstream.hpp"

#include <chrono>
#include <optional>
#include <regex>

namespace proxflow {

// Passive checks, as the handler runs them: failed or slow proxied requests count against an
// upstream for fail_duration.
struct PassiveHealthCheck {
    std::chrono::nanoseconds fail_duration{};
    int max_fails = 1;
    int unhealthy_request_count = 0;
    std::vector<int> unhealthy_status; // 5 means 5xx
    std::chrono::nanoseconds unhealthy_latency{};

    PassiveHealthCheck() = default;
    explicit PassiveHealthCheck(const HealthChecksConfig::Passive& config);
    bool enabled() const { return fail_duration.count() > 0; }
    // Sets the limits these checks put on up (max_fails only when enabled) and publishes them as its host's.
    void limit(Upstream& up) const;
    bool status_is_failure(unsigned status) const;
    // Counts one failure now and forgets it after fail_duration, on the caller's executor.
    void count_failure(const std::shared_ptr<UpstreamHost>& host, const asio::any_io_executor& ex) const;
};

// Active checks, as the checker runs them: a GET to each upstream every interval; a wrong status,
// body or timeout marks it down.
struct ActiveHealthCheck {
    std::string uri;
    int port = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::nanoseconds interval{std::chrono::seconds(30)};
    std::chrono::nanoseconds timeout{std::chrono::seconds(5)};
    std::size_t max_size = 1 << 20;
    int expect_status = 0; // 0: any 2xx; < 100: a class (2 = 2xx)
    std::optional<std::regex> expect_body;

    explicit ActiveHealthCheck(const HealthChecksConfig::Active& config);
    bool enabled() const { return !uri.empty(); }
};

std::shared_ptr<BackgroundTask> make_active_health_checker(const ActiveHealthCheck& check, std::vector<Upstream> upstreams,
                                                           asio::io_context& io);

} // namespace proxflow
