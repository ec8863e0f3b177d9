#pragma once
#include <string>
#include <string_view>

namespace proxflow::caddyfile {

// Caddy reads a Caddyfile as Go strings do: every byte that is not part of valid UTF-8 becomes
// U+FFFD. Doing the same keeps JSON output valid and matches `caddy fmt` and `caddy adapt`.
std::string valid_utf8(std::string_view text);

} // namespace proxflow::caddyfile
