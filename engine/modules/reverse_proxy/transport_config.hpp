#pragma once
// reverse_proxy's `transport` ({"protocol": "http"}), spelled as Caddy's reverseproxy.HTTPTransport:
// zero values are unset (UpstreamTransport applies the defaults), so what was written reads back.
#include "config/object_reader.hpp"
#include "modules/reverse_proxy/resolver_config.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace proxflow {

struct HttpTransportConfig {
    // Caddy's TLSConfig, the part its Caddyfile writes; ProxFlow does not dial TLS yet.
    struct Tls {
        std::vector<std::string> root_ca_pem_files;
        std::string client_certificate_file;
        std::string client_certificate_key_file;
        std::string client_certificate_automate; // a name whose managed certificate is presented
        bool insecure_skip_verify = false;
        std::chrono::nanoseconds handshake_timeout{};
        std::string server_name;
        std::string renegotiation;
        std::vector<std::string> except_ports;
        bool operator==(const Tls&) const = default;
    };
    struct KeepAlive {
        std::optional<bool> enabled; // unset is on
        std::chrono::nanoseconds probe_interval{};
        std::int64_t max_idle_conns = 0;
        std::int64_t max_idle_conns_per_host = 0;
        std::chrono::nanoseconds idle_timeout{};
        bool operator==(const KeepAlive&) const = default;
    };

    std::optional<ResolverConfig> resolver;
    std::optional<Tls> tls;
    std::optional<KeepAlive> keep_alive;
    std::optional<bool> compression; // unset is on
    std::int64_t max_conns_per_host = 0;
    std::chrono::nanoseconds dial_timeout{};
    std::chrono::nanoseconds dial_fallback_delay{};
    std::chrono::nanoseconds response_header_timeout{};
    std::chrono::nanoseconds expect_continue_timeout{};
    std::int64_t max_response_header_size = 0;
    std::int64_t write_buffer_size = 0;
    std::int64_t read_buffer_size = 0;
    std::chrono::nanoseconds read_timeout{};
    std::chrono::nanoseconds write_timeout{};
    std::vector<std::string> versions; // "1.1", "2", "h2c", "3"

    bool operator==(const HttpTransportConfig&) const = default;
    static HttpTransportConfig from_json(const json& value, const std::string& path);
    json to_json() const;
    // Throws ConfigError at path (the transport's) for what is valid Caddy but ProxFlow cannot do yet.
    void check_supported(const std::string& path) const;
};

} // namespace proxflow
