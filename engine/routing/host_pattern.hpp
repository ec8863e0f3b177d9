#pragma once
#include <string_view>

namespace proxflow {

// The host of a Host header value, without its port (and an IPv6 address without its brackets).
std::string_view host_without_port(std::string_view host);

// Caddy's host patterns: equal, or a wildcard label standing for exactly one label
// (*.example.com matches a.example.com, not example.com or a.b.example.com). The pattern is
// lowercase; the host may be in any case (a request's Host is compared without copying it).
bool host_matches_pattern(std::string_view host, std::string_view pattern);

} // namespace proxflow
