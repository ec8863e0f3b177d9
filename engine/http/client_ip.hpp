#pragma once
#include "config/object_reader.hpp"
#include "http/beast.hpp"
#include "http/ip_range.hpp"

#include <string>
#include <vector>

namespace proxflow {

// A server's `trusted_proxies`, `client_ip_headers` and `trusted_proxies_strict` (Caddy 2.7): from
// a trusted peer, the client IP comes from the first client-IP header present; otherwise it is the
// peer's address.
struct ClientIpPolicy {
    std::vector<IpRange> trusted_proxies;
    std::vector<std::string> headers{"X-Forwarded-For"};
    bool strict = false; // right-most untrusted address instead of the left-most one

    // Reads the three server fields from r (each optional).
    void read(ObjectReader& r);
    bool trusts(const asio::ip::address& peer) const;
    asio::ip::address client_ip(const http::request_header<>& req, const asio::ip::address& peer) const;
};

// The address as text, as asio's to_string writes it; IPv4 without the sprintf inet_ntop uses,
// which cost more than the rest of forwarding a request's headers.
std::string ip_text(const asio::ip::address& ip);

} // namespace proxflow
