#pragma once
#include "http/beast.hpp"

#include <string>
#include <vector>

namespace proxflow {

// A CIDR range or a single address ("10.0.0.0/8", "::1").
class IpRange {
public:
    static IpRange parse(const std::string& text, const std::string& path);
    bool contains(const asio::ip::address& addr) const;

private:
    asio::ip::address base_;
    unsigned prefix_ = 0;
};

// Caddy's "private_ranges" shorthand.
const std::vector<std::string>& private_ranges();

// A config's list of ranges (trusted_proxies and the like), "private_ranges" expanded; errors name
// path[i] of the entry at fault.
std::vector<IpRange> parse_ip_ranges(const std::vector<std::string>& texts, const std::string& path);

} // namespace proxflow
