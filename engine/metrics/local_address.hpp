#pragma once
#include <boost/asio/ip/address.hpp>


namespace proxflow::metrics {

// Loopback, private, link-local and carrier-grade NAT addresses: clients that count as "local",
// not as a country (some databases map private ranges to a country; that would be wrong here).
bool is_local_address(const boost::asio::ip::address& address);

// Documentation ranges (RFC 5737, RFC 3849): no real client has them, and some databases still
// map them to a country.
bool is_documentation_address(const boost::asio::ip::address& address);

} // namespace proxflow::metrics
