#pragma once
#include "http/beast.hpp"

#include <string_view>

namespace proxflow {

// Puts a request's target in the one form routes, matchers and upstreams see (RFC 9112 §3.2):
// an absolute-form target becomes origin-form and its authority becomes the Host (§3.2.2: the
// target's authority wins over a Host field that says otherwise), and dot segments leave the path
// (RFC 3986 §5.2.4), so "/app/../admin" is routed and forwarded as "/admin". False when the target
// cannot be served: a malformed escape or authority, a path climbing above the root, a form the
// method may not use, raw bytes outside ASCII (RFC 9112 §3.2 lets none in; a client percent-encodes
// them, and two parsers could read raw ones differently).
bool normalize_request_target(Request& req);

// RFC 9112 §3.2: a Host field (or an absolute-form target's authority) holds a host and perhaps a
// port, in the characters a URI allows there; "a/b" or "x y" is a 400, not a name to route by.
bool is_valid_host(std::string_view host);

} // namespace proxflow
