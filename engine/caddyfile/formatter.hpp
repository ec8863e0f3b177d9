#pragma once
#include <string>
#include <string_view>

namespace proxflow::caddyfile {

// Reformats a Caddyfile the way `caddy fmt` does: one tab per nesting level, braces on the line
// that opens a block, a blank line between top-level blocks, at most one blank line elsewhere,
// comments and quoted text kept as written.
std::string format(std::string_view input);

} // namespace proxflow::caddyfile
