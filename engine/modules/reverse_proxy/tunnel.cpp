#include "http/relay.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

namespace proxflow {
namespace {

// Either side may be the client (plain or TLS) or the upstream; the timers are off (expires_never).
template <class From, class To>
awaitable<void> copy(From& from, To& to) {
    std::array<char, 16384> data;
    for (;;) {
        auto [rec, n] = co_await from.async_read_some(asio::buffer(data), use_nothrow);
        if (rec) break;
        auto [wec, w] = co_await asio::async_write(to, asio::buffer(data.data(), n), use_nothrow);
        if (wec) break;
    }
    error_code ignored;
    to.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

} // namespace

awaitable<void> tunnel(ClientStream& client, beast::flat_buffer& client_buffer, beast::tcp_stream& upstream,
                       beast::flat_buffer& upstream_buffer) {
    using namespace asio::experimental::awaitable_operators;
    client.expires_never();
    upstream.expires_never();
    // Bytes either parser read past the header belong to the tunnel.
    if (client_buffer.size()) {
        co_await asio::async_write(upstream.socket(), client_buffer.data(), use_nothrow);
        client_buffer.consume(client_buffer.size());
    }
    if (upstream_buffer.size()) {
        co_await asio::async_write(client, upstream_buffer.data(), use_nothrow);
        upstream_buffer.consume(upstream_buffer.size());
    }
    co_await (copy(client, upstream) || copy(upstream, client));
}

} // namespace proxflow
