#pragma once
// The `reverse_proxy` handler's config, spelled as Caddy 2.6.2's reverseproxy.Handler: one round
// trip (from_json validates, to_json writes only what is set, as Caddy's omitempty). Zero values
// are unset; the runtime applies Caddy's defaults. Other modules' configs inside it (header ops,
// matchers, routes, a rewrite) stay JSON, with their paths, until the runtime builds them.
#include "config/located.hpp"
#include "config/object_reader.hpp"
#include "modules/reverse_proxy/circuit_breaker_config.hpp"
#include "modules/reverse_proxy/dynamic_upstreams_config.hpp"
#include "modules/reverse_proxy/fastcgi_transport_config.hpp"
#include "modules/reverse_proxy/health_checks_config.hpp"
#include "modules/reverse_proxy/load_balancing_config.hpp"
#include "modules/reverse_proxy/transport_config.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace proxflow {

struct UpstreamConfig {
    Located<std::string> dial; // checked when the runtime builds the upstream
    Located<std::string> lookup_srv; // Caddy 2.6.2's per-upstream SRV lookup ("srv+name"): refused at run
    int max_requests = 0;
    bool operator==(const UpstreamConfig&) const = default;
};

struct ReverseProxyConfig {
    // Caddy's headers.Handler: the request's ops (header_up) and the response's (header_down).
    struct Headers {
        Located<json> request;  // null when unset
        Located<json> response; // null when unset
        bool operator==(const Headers&) const = default;
    };

    std::optional<HttpTransportConfig> transport;           // {"protocol": "http"}
    std::optional<FastcgiTransportConfig> fastcgi_transport; // {"protocol": "fastcgi"}: refused at run
    std::optional<CircuitBreakerConfig> circuit_breaker;
    std::optional<LoadBalancingConfig> load_balancing;
    std::optional<HealthChecksConfig> health_checks;
    std::vector<UpstreamConfig> upstreams;
    std::optional<DynamicUpstreamsConfig> dynamic_upstreams;
    std::chrono::nanoseconds flush_interval{}; // negative: flush at once
    Located<std::vector<std::string>> trusted_proxies;
    std::optional<Headers> headers;
    Located<json> rewrite; // a rewrite handler's fields; null when unset
    bool buffer_requests = false;
    bool buffer_responses = false;
    std::int64_t max_buffer_size = 0;
    std::int64_t request_buffers = 0;
    std::int64_t response_buffers = 0;
    Located<json> handle_response; // null when unset

    bool operator==(const ReverseProxyConfig&) const = default;

    // Reads the handler object; reader is positioned on it (the "handler" key is skipped). Unknown
    // keys and wrong types are ConfigErrors naming their JSON path.
    static ReverseProxyConfig from_json(ObjectReader& reader);
    // The handler object without "handler", non-defaults only.
    json to_json() const;
    // Throws ConfigError naming the path (under the handler's, path) of the first setting that is
    // valid Caddy but that ProxFlow cannot run yet: refused rather than ignored.
    void check_supported(const std::string& path) const;
};

} // namespace proxflow
