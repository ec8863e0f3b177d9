#pragma once
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace proxflow::caddyfile {

// The global options block, evaluated.
struct Options {
    std::optional<int> http_port, https_port;
    std::optional<std::int64_t> grace_period, shutdown_delay;
    std::vector<std::string> order;            // the directive order, after any `order` options
    std::vector<std::string> default_bind;
    std::string auto_https = "on";
    bool debug = false;
    std::string default_sni;
    nlohmann::json admin;      // null: not set
    nlohmann::json servers;    // per-listener server options: array of {listener, options}
    nlohmann::json logging;    // global log blocks: name -> log
    nlohmann::json tls_app;    // pieces of apps.tls from options (email, acme_ca, local_certs ...)
    nlohmann::json storage;
    nlohmann::json traffic_metrics; // ProxFlow's apps.traffic_metrics
    std::string email, acme_ca;
    bool local_certs = false;

    int http() const { return http_port.value_or(80); }
    int https() const { return https_port.value_or(443); }
};

} // namespace proxflow::caddyfile
