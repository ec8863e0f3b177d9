#pragma once
#include "http/client_ip.hpp"
#include "metrics/server_metrics.hpp"
#include "routing/route_list.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace proxflow {

class AccessLog;
struct RequestContext;
namespace tls {
struct ServerTls;
}

// One listen address of a server, normalised: "127.0.0.1:8080", "[::1]:8080", ":8080" (every interface).
struct ListenAddress {
    std::string host;
    unsigned short port = 0;
    std::string key() const;
    static std::vector<ListenAddress> parse(const std::string& text, const std::string& path);
};

struct ServerTimeouts {
    std::chrono::nanoseconds read_header{std::chrono::seconds(30)};
    std::chrono::nanoseconds read_body{};   // 0: none
    std::chrono::nanoseconds write{};       // 0: none
    std::chrono::nanoseconds idle{std::chrono::minutes(5)};

    // nginx's client_body_timeout: how long a client may pause mid-body when read_timeout (Caddy's
    // deadline for the whole request) is unset. Caddy has none, so a client declaring a body it never
    // sends would hold its connection and an upstream one forever; zero when read_timeout rules.
    std::chrono::nanoseconds body_read_gap() const {
        return read_body.count() > 0 ? std::chrono::nanoseconds{} : std::chrono::seconds(60);
    }

    // Go's rule: the shortest of the set read-header, read and write timeouts (30 s if none is set).
    std::chrono::nanoseconds tls_handshake() const {
        std::chrono::nanoseconds out{};
        for (auto v : {read_header, read_body, write})
            if (v.count() > 0 && (out.count() == 0 || v < out)) out = v;
        return out.count() ? out : std::chrono::seconds(30);
    }
};

// A validated `apps.http.servers.<name>`, built once per config and shared by every engine thread.
struct ServerRuntime {
    std::string name;
    std::string hostname; // {system.hostname}
    std::vector<ListenAddress> listen;
    RouteList routes;
    ServerTimeouts timeouts;
    std::size_t max_header_bytes = 1 << 20;
    ClientIpPolicy client_ip;
    std::shared_ptr<AccessLog> access_log; // null: access logs off
    std::shared_ptr<metrics::ServerMetrics> metrics;
    std::shared_ptr<const tls::ServerTls> tls; // null: plain HTTP
};

// The request's client IP and whether its peer is one of its server's trusted proxies.
asio::ip::address client_ip_of(const RequestContext& ctx);
bool from_trusted_proxy(const RequestContext& ctx);

} // namespace proxflow
