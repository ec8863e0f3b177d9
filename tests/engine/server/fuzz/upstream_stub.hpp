#pragma once
// The upstream the fuzzed config proxies to, on the fuzzer's own event loop: it reads each request
// with Beast and answers by the path, so proxied inputs reach every response framing the proxy
// handles (Content-Length, chunked, close-delimited, no body, interim 100, 101 Upgrade then echo).
#include "http/beast.hpp"

namespace fuzz {

// Listens on 127.0.0.1 (an ephemeral port) until the process ends; returns the port.
unsigned short start_upstream_stub(proxflow::asio::io_context& io);

} // namespace fuzz
