#pragma once
#include "http/beast.hpp"

#include <string_view>

namespace proxflow {

// Sets X-Forwarded-For, -Proto and -Host on the upstream's request as Caddy 2.6 does, one field
// each. From a trusted peer, every X-Forwarded-For the client sent is joined ahead of client_ip,
// and the last -Proto and -Host it sent are kept unless empty; from anyone else all three are replaced.
void set_forwarded_headers(http::request_header<>& req, std::string_view client_ip, std::string_view scheme, bool trusted);

} // namespace proxflow
