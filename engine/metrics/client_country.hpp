#pragma once
#include <boost/asio/ip/address.hpp>

#include <string>

namespace proxflow::metrics {

// The country a client address counts under: "local" for loopback, private and link-local
// addresses, "unknown" when no geo database answers.
std::string client_country(const boost::asio::ip::address& address);

} // namespace proxflow::metrics
