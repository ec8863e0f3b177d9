#pragma once
// A handler's `status_code` as Caddy reads it (static_response, error): a number, or a string that
// may hold a placeholder, checked at load when it holds none.
#include "config/object_reader.hpp"
#include "routing/placeholder.hpp"

namespace proxflow {

struct RequestContext;

// Empty when the field is absent.
Template read_status_code(ObjectReader& r);

// The status for this request: `absent` when the field was, 500 when it renders to no status.
int render_status_code(const Template& status, const RequestContext& ctx, int absent);

} // namespace proxflow
