#pragma once
#include "http/beast.hpp"

namespace proxflow {

enum class RelayResult { done, read_failed, write_failed };

// Streams one HTTP message from a parser whose header has been read to a serializer on another
// stream, a piece at a time: each piece is written before the next is read, so memory stays flat
// and a slow reader slows the writer (backpressure). The header goes out with the first piece.
template <bool isRequest, class InStream, class OutStream>
awaitable<RelayResult> relay_message(InStream& in, beast::flat_buffer& in_buffer,
                                     http::parser<isRequest, http::buffer_body>& parser, OutStream& out,
                                     char* scratch, std::size_t scratch_size, std::uint64_t& bytes_out) {
    auto& body = parser.get().body();
    http::serializer<isRequest, http::buffer_body> serializer{parser.get()};
    for (;;) {
        if (!parser.is_done()) {
            body.data = scratch;
            body.size = scratch_size;
            auto [ec, n] = co_await http::async_read_some(in, in_buffer, parser, use_nothrow);
            if (ec == http::error::need_buffer) ec = {};
            if (ec) co_return RelayResult::read_failed;
            body.size = scratch_size - body.size;
            body.data = scratch;
            body.more = !parser.is_done();
        } else {
            body.data = nullptr;
            body.size = 0;
            body.more = false;
        }
        auto [ec, n] = co_await http::async_write(out, serializer, use_nothrow);
        bytes_out += n;
        if (ec == http::error::need_buffer) ec = {};
        if (ec) co_return RelayResult::write_failed;
        if (serializer.is_done()) co_return RelayResult::done;
    }
}

// Copies bytes both ways until either side closes (WebSocket and other Upgrade tunnels).
awaitable<void> tunnel(beast::tcp_stream& client, beast::flat_buffer& client_buffer, beast::tcp_stream& upstream,
                       beast::flat_buffer& upstream_buffer);

} // namespace proxflow
