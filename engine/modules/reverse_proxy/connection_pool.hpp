#pragma once
#include "http/beast.hpp"
#include "module/thread_state.hpp"
#include "modules/reverse_proxy/connection_limit.hpp"

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

namespace proxflow {

// A kept-alive connection to an upstream with the buffer its responses are parsed from.
struct UpstreamConnection {
    // Beast reads into a flat_buffer at most its free capacity (512 bytes when empty): reserve
    // room so that a response arrives in a few large reads, not dozens of small ones.
    // transport.read_buffer_size sets that room instead (Go's bufio.Reader size for the connection).
    UpstreamConnection(const asio::any_io_executor& ex, std::size_t read_buffer_size) : stream(ex) { buffer.reserve(read_buffer_size); }
    // Set while transport.max_conns_per_host counts it; first, so it is given back after the socket closed.
    std::unique_ptr<ConnectionSlot> slot;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    std::chrono::steady_clock::time_point idle_until = std::chrono::steady_clock::time_point::max();
    // When it last went back to the pool.
    std::chrono::steady_clock::time_point pooled_at{};
    bool reused = false;

    // Nothing waits to be read, not even a FIN: an idle connection the upstream has not closed.
    bool looks_open();
};

// Idle upstream connections of one engine thread, keyed by dial address. Only that thread touches
// it, so there are no locks on the request path.
class ConnectionPool : public ThreadLocalState {
public:
    // A connection idle for this long is peeked at before it is handed out: the upstream may have
    // closed it (its own keep-alive timeout). Under load connections come back within milliseconds.
    static constexpr std::chrono::seconds check_when_idle_for{1};

    // The connection idle longest first, so that requests rotate over every kept connection (and so
    // over every worker process behind the upstream), skipping the expired and the closed.
    std::unique_ptr<UpstreamConnection> take(const std::string& dial,
                                             std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
    // Keeps conn for reuse for at most idle_timeout (0: no limit).
    void put(const std::string& dial, std::unique_ptr<UpstreamConnection> conn, std::size_t max_idle,
             std::chrono::nanoseconds idle_timeout);
    // Closes the connections idle past their timeout, so upstreams see them go (the worker's sweep).
    void close_expired(std::chrono::steady_clock::time_point now);
    void tick(std::chrono::steady_clock::time_point now) override { close_expired(now); }
    // Closes the idle connection under key that holds slot, if it is still here (max_conns_per_host
    // needs its place for a waiting request).
    void close_one(const std::string& key, const ConnectionSlot* slot);
    void clear() override { idle_.clear(); }

private:
    std::unordered_map<std::string, std::deque<std::unique_ptr<UpstreamConnection>>> idle_;
};

} // namespace proxflow
