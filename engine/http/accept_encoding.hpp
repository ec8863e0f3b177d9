#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace proxflow {

// The encodings a client accepts, best first, as Caddy's AcceptedEncodings: higher q first, equal
// q broken by the server's prefer order, q=0 left out, only identity for a WebSocket handshake.
// One addition: `*` stands for each offered encoding the header does not name (RFC 9110 §12.5.3),
// which Caddy 2.6 leaves unmatched.
std::vector<std::string> accepted_encodings(std::string_view accept_encoding, bool websocket,
                                            const std::vector<std::string>& prefer, const std::vector<std::string>& offered);

} // namespace proxflow
