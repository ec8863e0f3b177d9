#pragma once
// What a request must pass before any route sees it, and the fixes that make one request mean the
// same thing to ProxFlow and to every upstream behind it (RFC 9112: no smuggling through framing or
// through a target two parties read differently).
#include "http/beast.hpp"


namespace proxflow {

// http::status::unknown when the request may go on (its target normalised, a repeated identical
// Content-Length made one); otherwise the status to answer before closing the connection:
// 400 (Host missing, repeated or malformed, a bad target), 405 (TRACE, refused as nginx refuses it:
// a reflected request would echo cookies and credentials back to a script; and CONNECT, which only a
// forward proxy serves: passed on, the bytes after it would reach the upstream as requests of their
// own), 501 (a transfer coding other than chunked).
http::status vet_request(RequestParser& parser);

} // namespace proxflow
