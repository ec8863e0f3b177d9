#pragma once
#include "http/beast.hpp"

#include <string>

namespace proxflow {

// A CIDR range or a single address ("10.0.0.0/8", "::1", "private_ranges" is expanded by the caller).
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

} // namespace proxflow
