#pragma once
// Where a Redis server is and how the client talks to it: its address, credentials, database and
// timeouts. Apart from the client, so that a config can check an address without linking hiredis.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace proxflow::redis {

struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    std::string password; // empty: no AUTH
    int db = 0;           // 0: no SELECT
    // The longest a command (or a connect and its handshake) may take; past it the connection is
    // dropped, since Redis answers in order and a late answer would be taken for the next command's.
    std::chrono::milliseconds command_timeout{1000};
    // After a failed connect or a timeout no new attempt is made for this long, doubling up to max_backoff.
    std::chrono::milliseconds min_backoff{100};
    std::chrono::milliseconds max_backoff{5000};

    // "host:port", "[v6]:port" or "host" (port 6379); throws std::invalid_argument with a reason.
    static Options from_address(std::string_view address);
    std::string address() const; // host:port, as errors name it
};

} // namespace proxflow::redis
