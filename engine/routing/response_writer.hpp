#pragma once
#include "http/beast.hpp"

namespace proxflow {

struct RequestContext;

// Applies the pending response header operations and the keep-alive decision to a response header.
void finalize_response_header(RequestContext& ctx, http::response_header<>& header);

// Writes a complete in-memory response to the client (static responses, errors).
awaitable<void> write_response(RequestContext& ctx, http::response<http::string_body>& res);
awaitable<void> write_error(RequestContext& ctx, http::status status);

} // namespace proxflow
