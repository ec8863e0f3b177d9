#pragma once
#include "caddyfile/helper.hpp"

namespace proxflow::caddyfile {

// The reverse_proxy segment h.d holds (cursor on the directive name, matcher taken out), parsed
// into `handler`, which may come preset (forward_auth presets headers, rewrite, handle_response).
json parse_reverse_proxy_segment(Helper& h, json handler);

// Go's http.CanonicalHeaderKey: "x-accel-redirect" -> "X-Accel-Redirect" (unchanged when the name
// has characters a header name cannot have).
std::string canonical_header_key(const std::string& name);

// Caddy's WeakString as JSON: a number when the text is an integer, else the string.
json weak_string(const std::string& text);

} // namespace proxflow::caddyfile
