#pragma once
#include "caddyfile/helper.hpp"

#include <cstddef>
#include <vector>

namespace proxflow::caddyfile {
class Writer;
}

namespace proxflow::php_fastcgi {

// `php_fastcgi` (Caddy 2.6.2's fastcgi.parsePHPFastCGI): the routes it expands into, a reverse_proxy
// with the fastcgi transport last.
std::vector<caddyfile::ConfigValue> parse_php_fastcgi(caddyfile::Helper& h);
// Those routes (or the route wrapping them in a subroute under the directive's matcher) written back
// as the directive; 0 when routes[first] is not their shape.
std::size_t write_php_fastcgi(caddyfile::Writer& w, const nlohmann::json& routes, std::size_t first, const std::string& path);

} // namespace proxflow::php_fastcgi
