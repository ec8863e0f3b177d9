#pragma once
#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>
#include <vector>

namespace proxflow {

// Caddy's StatusCodeMatches: a configured code matches itself, and one below 100 a whole class
// (5 matches 500 to 599).
inline bool status_matches(unsigned status, int configured) {
    if (configured < 0) return false;
    const auto code = static_cast<unsigned>(configured);
    return code == status || (code < 100 && status / 100 == code);
}

inline bool any_status_matches(unsigned status, const std::vector<int>& configured) {
    return std::any_of(configured.begin(), configured.end(), [status](int code) { return status_matches(status, code); });
}

// The number a whole text spells (no space, plus sign or trailing characters); nothing otherwise.
inline std::optional<int> parse_status_number(std::string_view text) {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

} // namespace proxflow
