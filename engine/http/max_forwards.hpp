#pragma once
#include "http/beast.hpp"
#include "http/field_lookup.hpp"

#include <charconv>
#include <string>

namespace proxflow {

// RFC 9110 §7.6.2 for an intermediary forwarding an OPTIONS (TRACE is refused before any route):
// with Max-Forwards at zero the request goes no further and the intermediary answers it (true);
// otherwise it goes on with the value one less. Other methods and unreadable values are left alone.
inline bool must_answer_instead_of_forwarding(Request& req) {
    if (req.method() != http::verb::options) return false;
    const auto value = field_value(req, http::field::max_forwards);
    if (value.empty()) return false;
    std::uint64_t hops = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), hops);
    if (ec != std::errc{} || end != value.data() + value.size()) return false;
    if (hops == 0) return true;
    req.set(http::field::max_forwards, std::to_string(hops - 1));
    return false;
}

} // namespace proxflow
