#pragma once
#include <string>

namespace proxflow::caddyfile {

// Caddy's Caddyfile shorthands, {host} for {http.request.host} and the like, expanded in every token
// of a site block as httpcaddyfile does (text that merely contains one is expanded too).
std::string replace_shorthands(std::string text);

// The shorthand ("{host}") a token is the expansion of ("{http.request.host}"), or empty (Caddy's
// WasReplacedPlaceholderShorthand).
std::string replaced_shorthand(const std::string& token);

} // namespace proxflow::caddyfile
