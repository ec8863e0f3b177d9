#pragma once
#include <string_view>

namespace proxflow {

// The methods ProxFlow serves (it refuses TRACE and CONNECT: it is no forward proxy), for the Allow field of its own 405 (RFC 9110
// §15.5.6 asks for one) and of an OPTIONS it answers as the final recipient.
inline constexpr std::string_view served_methods = "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH";

} // namespace proxflow
