#pragma once
#include "http/beast.hpp"
#include "http/client_stream.hpp"
#include "http/response_filter.hpp"

#include <chrono>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace proxflow {

class HeaderOps;
class ProxiedResponse;
class PlaceholderSource;
namespace metrics {
struct ServerMetrics;
}
class ThreadStates;
struct ServerRuntime;

// Everything one request carries through the route chain. Lives on the session's stack frame for
// one request; handlers read and modify it, the terminal handler writes the response.
struct RequestContext {
    RequestContext(RequestParser& parser, ClientStream& client, beast::flat_buffer& client_buffer, ThreadStates& thread_state,
                   const ServerRuntime& server, tcp::endpoint remote, tcp::endpoint local)
        : parser(parser), client(client), client_buffer(client_buffer), thread_state(thread_state), server(server), remote(remote), local(local) {}

    RequestParser& parser;
    ClientStream& client;
    beast::flat_buffer& client_buffer;
    ThreadStates& thread_state; // the modules' state of the engine thread serving the request
    const ServerRuntime& server;
    tcp::endpoint remote;
    tcp::endpoint local;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    std::string original_uri;
    std::vector<std::pair<std::string, std::string>> vars;
    // `headers` handlers with response operations register them here; every response path applies them.
    std::vector<const HeaderOps*> response_header_ops;
    // Headers a handler adds to whatever response is written (e.g. a sticky-session cookie).
    std::vector<std::pair<std::string, std::string>> response_headers_to_add;
    // Response body transformations (encode) for whatever response is written; see ResponseBodyWriter.
    std::vector<std::unique_ptr<ResponseFilter>> response_filters;
    // Placeholders that handlers define for the rest of the request (map), asked in order.
    std::vector<const PlaceholderSource*> placeholder_sources;
    // What matchers record while a route is matched (Caddy's matchers write to the request's replacer
    // and error var): placeholders for the rest of the request (the file matcher's
    // {http.matchers.file.*}), and a status that ends the request instead of trying the next route
    // (try_files' "=404"). Mutable because matching otherwise only reads the request.
    mutable std::vector<std::pair<std::string, std::string>> matcher_placeholders;
    mutable unsigned matcher_error_status = 0;
    void set_matcher_placeholder(std::string key, std::string value) const {
        for (auto& [k, v] : matcher_placeholders)
            if (k == key) {
                v = std::move(value);
                return;
            }
        matcher_placeholders.emplace_back(std::move(key), std::move(value));
    }
    // Set by reverse_proxy for {http.reverse_proxy.upstream.*} placeholders.
    std::string upstream_hostport;
    // The upstream response whose handle_response routes are running (null otherwise), and the
    // header of the last one handled, for {http.reverse_proxy.status_code|status_text|header.*}.
    ProxiedResponse* proxied_response = nullptr;
    std::optional<http::response_header<>> handled_response_header;

    // The client's own framing, read before handlers rewrite the request for an upstream.
    unsigned client_version = 11;
    bool client_keep_alive = true;

    // Whether traffic metrics count this request (apps.traffic_metrics.disabled turns them off).
    bool count_metrics = true;
    // The counters of the first top-level route that matched (per-route metrics).
    metrics::ServerMetrics* route_metrics = nullptr;

    // Set while the engine shuts down: long-lived responses (event streams) end early.
    const bool* shutting_down = nullptr;

    // Response bookkeeping for access logs and keep-alive decisions.
    bool responded = false;
    bool close_connection = false;
    unsigned status = 0;
    std::uint64_t bytes_written = 0;      // headers and framing included
    std::uint64_t body_bytes_written = 0; // the response body only (access logs' "size")
    std::uint64_t bytes_read = 0;

    Request& request() { return parser.get(); }
    const Request& request() const { return parser.get(); }
    std::string_view scheme() const { return client.is_tls() ? "https" : "http"; }

    const std::string* var(std::string_view name) const {
        for (const auto& [k, v] : vars)
            if (k == name) return &v;
        return nullptr;
    }
    void set_var(std::string name, std::string value) {
        for (auto& [k, v] : vars)
            if (k == name) {
                v = std::move(value);
                return;
            }
        vars.emplace_back(std::move(name), std::move(value));
    }
};

} // namespace proxflow
