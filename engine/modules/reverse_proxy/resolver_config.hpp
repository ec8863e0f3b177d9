#pragma once
// Caddy's `resolver` object ({"addresses": ["udp/IP:port", "IP", ...]}) of the http transport and
// of dynamic upstreams.
#include "config/object_reader.hpp"
#include "http/beast.hpp"

#include <string>
#include <vector>

namespace proxflow {

struct ResolverConfig {
    std::vector<std::string> addresses;

    bool operator==(const ResolverConfig&) const = default;
    // Throws ConfigError naming the address ProxFlow cannot ask (only IPv4 over UDP; port 53 when left out).
    static ResolverConfig from_json(const json& value, const std::string& path);
    json to_json() const;
    // The addresses as the servers DNS questions go to (from_json checked them).
    std::vector<asio::ip::udp::endpoint> servers() const;
};

} // namespace proxflow
