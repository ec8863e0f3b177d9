#pragma once
#include "http/beast.hpp"

namespace proxflow {

// Removes the headers that describe one connection only (RFC 9110 §7.6.1), including those the
// Connection header names. Transfer-Encoding: chunked stays: it is how the body is framed here.
void remove_hop_by_hop(http::fields& fields);

bool is_upgrade_request(const http::request_header<>& req);

} // namespace proxflow
