#pragma once
#include "modules/reverse_proxy/dns_lookup.hpp"
#include "modules/reverse_proxy/transport_config.hpp"

#include <chrono>

namespace proxflow {

// How a reverse_proxy's upstream connections are made and kept: its `transport` with the defaults
// applied.
struct UpstreamTransport {
    std::chrono::nanoseconds dial_timeout{std::chrono::seconds(3)};
    // Happy Eyeballs: how long the first address family has before the other is tried too (Go's
    // Dialer.FallbackDelay: 0 is 300 ms, negative turns the race off).
    std::chrono::nanoseconds dial_fallback_delay{std::chrono::milliseconds(300)};
    std::chrono::nanoseconds response_header_timeout{};
    std::chrono::nanoseconds read_timeout{};
    std::chrono::nanoseconds write_timeout{};
    // How long a request with Expect: 100-continue waits for the upstream's go-ahead before its
    // body is sent anyway; 0: the proxy answers the expectation itself and sends the body at once.
    std::chrono::nanoseconds expect_continue_timeout{};
    bool keep_alive = true;
    std::chrono::nanoseconds keep_alive_idle_timeout{std::chrono::minutes(2)};
    std::size_t max_idle_conns_per_host = 256; // per engine thread
    std::size_t max_conns_per_host = 0;        // per handler, all threads; 0: no limit
    std::size_t max_response_header_size = 1 << 20;
    std::size_t read_buffer_size = 64 * 1024;  // each upstream connection's read buffer
    std::size_t write_buffer_size = 64 * 1024; // the pieces request bodies go to the upstream in
    // Ask for gzip when the client did not say (and asked no range), and gunzip the answer, as Go's
    // transport unless DisableCompression.
    bool compression = true;
    DnsServers resolver; // no servers: the system's

    // How long an upstream has to start its response: response_header_timeout, else read_timeout.
    std::chrono::nanoseconds response_header_wait() const {
        return response_header_timeout.count() ? response_header_timeout : read_timeout;
    }

    UpstreamTransport() = default;
    explicit UpstreamTransport(const HttpTransportConfig& config);
};

} // namespace proxflow
