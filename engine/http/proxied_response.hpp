#pragma once
#include "http/beast.hpp"

namespace proxflow {

struct RequestContext;

// The upstream response a reverse_proxy hands to the routes of a matching `handle_response` while
// they run: copy_response streams it to the client, copy_response_headers reads its header.
// Its body is still unread on the upstream connection; if no route copies it, it is discarded.
class ProxiedResponse {
public:
    virtual ~ProxiedResponse() = default;
    virtual const http::response_header<>& header() const = 0;
    // Streams the response as reverse_proxy would have, with `status` instead of the upstream's
    // when non-zero. Only the first call writes anything.
    virtual awaitable<void> copy_to_client(RequestContext& ctx, unsigned status) = 0;
};

} // namespace proxflow
