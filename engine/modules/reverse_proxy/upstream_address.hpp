#pragma once
// An upstream as the Caddyfile writes it ("host", "host:port", "https://host", "h2c://host:port",
// "unix//path", "unix+h2c//path", "srv+name") into the dial address Caddy 2.6.2 derives and the
// scheme that picks the transport (Caddy's parseUpstreamDialAddress, reverseproxy/addresses.go).
#include <string>

namespace proxflow::caddyfile {

struct UpstreamAddress {
    std::string dial;
    std::string scheme;     // "", "http", "https", "h2c" (or any other a URL names)
    bool lookup_srv = false; // "srv+...": dial is the SRV name to look up, without a port
};

// Throws std::invalid_argument with Caddy's message for what it refuses.
UpstreamAddress parse_upstream_address(std::string address);

} // namespace proxflow::caddyfile
