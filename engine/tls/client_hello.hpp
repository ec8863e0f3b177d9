#pragma once
// What a ClientHello asks for, learnt before the real handshake by letting OpenSSL parse the bytes
// peeked from the socket in a throwaway SSL object (nothing is consumed, nothing is sent).
#include <cstddef>
#include <string>

namespace proxflow::tls {

struct ClientHelloInfo {
    enum class State { incomplete, complete, invalid } state = State::incomplete;
    std::string server_name;  // lower case; empty: no SNI
    bool offers_acme_tls = false;
    bool plain_http = false;  // invalid, and the bytes start like an HTTP request (Go's check)
};

ClientHelloInfo inspect_client_hello(const unsigned char* data, std::size_t size);

} // namespace proxflow::tls
