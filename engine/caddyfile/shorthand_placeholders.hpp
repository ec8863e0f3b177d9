#pragma once
#include <string>

namespace proxflow::caddyfile {

// Caddy's Caddyfile shorthands, {host} for {http.request.host} and the like, expanded in every token
// of a site block as httpcaddyfile does (text that merely contains one is expanded too).
std::string replace_shorthands(std::string text);

} // namespace proxflow::caddyfile
