#include "http/client_ip.hpp"

#include "http/request_context.hpp"

#include <algorithm>
#include <charconv>

namespace proxflow {
namespace {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// "203.0.113.9", "[2001:db8::1]:443" or "198.51.100.1:8080" as an address; false when it is none.
bool parse_hop(std::string_view hop, asio::ip::address& out) {
    hop = trimmed(hop);
    error_code ec;
    out = asio::ip::make_address(std::string(hop), ec);
    if (!ec) return true;
    if (!hop.empty() && hop.front() == '[') {
        const auto end = hop.find(']');
        if (end == std::string_view::npos) return false;
        out = asio::ip::make_address(std::string(hop.substr(1, end - 1)), ec);
        return !ec;
    }
    const auto colon = hop.find(':');
    if (colon == std::string_view::npos || hop.find(':', colon + 1) != std::string_view::npos) return false;
    out = asio::ip::make_address(std::string(hop.substr(0, colon)), ec);
    return !ec;
}

} // namespace

void ClientIpPolicy::read(ObjectReader& r) {
    if (const json* proxies = r.take("trusted_proxies")) {
        ObjectReader p(*proxies, r.path_of("trusted_proxies"));
        const std::string source = p.string("source");
        if (source != "static")
            throw ConfigError(p.path_of("source"), "trusted_proxies source \"" + source + "\" is not supported by ProxFlow yet (only static)");
        trusted_proxies = parse_ip_ranges(p.strings("ranges"), p.path_of("ranges"));
        p.finish();
    }
    if (r.has("client_ip_headers")) headers = r.strings("client_ip_headers");
    strict = r.boolean("trusted_proxies_strict");
}

bool ClientIpPolicy::trusts(const asio::ip::address& peer) const {
    return std::any_of(trusted_proxies.begin(), trusted_proxies.end(), [&](const IpRange& r) { return r.contains(peer); });
}

asio::ip::address ClientIpPolicy::client_ip(const http::request_header<>& req, const asio::ip::address& peer) const {
    if (trusted_proxies.empty() || !trusts(peer)) return peer;
    for (const auto& name : headers) {
        std::vector<std::string_view> hops;
        for (auto range = req.equal_range(name); range.first != range.second; ++range.first) {
            std::string_view value = range.first->value();
            for (std::size_t pos = 0; pos <= value.size();) {
                auto comma = value.find(',', pos);
                if (comma == std::string_view::npos) comma = value.size();
                hops.push_back(value.substr(pos, comma - pos));
                pos = comma + 1;
            }
        }
        if (hops.empty()) continue;
        asio::ip::address ip;
        if (!strict) {
            for (auto hop : hops)
                if (parse_hop(hop, ip)) return ip;
            continue;
        }
        // Strict: walk back from the nearest hop; the first one not itself a trusted proxy is the client.
        for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
            if (!parse_hop(*it, ip)) break;
            if (!trusts(ip)) return ip;
        }
    }
    return peer;
}

std::string ip_text(const asio::ip::address& ip) {
    if (!ip.is_v4()) return ip.to_string();
    const auto bytes = ip.to_v4().to_bytes();
    char text[16];
    char* end = text;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i) *end++ = '.';
        end = std::to_chars(end, end + 3, bytes[i]).ptr; // an octet has at most three digits
    }
    return std::string(text, end);
}

} // namespace proxflow
