#pragma once
// Reads that feed a Beast parser. Beast parses; these only decide when bytes come from the buffer
// and when from the stream, so that what already sits in the buffer costs no trip through the event
// loop (Beast's own reads always go through it, even when they have nothing to read).
#include "http/beast.hpp"

#include <tuple>

namespace proxflow {

// Feeds the parser what `buffer` already holds, without I/O, as Beast's read does before it reads.
// Returns false when the parser needs bytes from the stream (then `ec` is clear); true when it made
// progress or failed (`ec` says which).
template <bool isRequest>
bool parse_buffered(http::basic_parser<isRequest>& parser, beast::flat_buffer& buffer, error_code& ec) {
    ec = {};
    if (buffer.size() == 0) return false;
    buffer.consume(parser.put(buffer.data(), ec));
    if (ec != http::error::need_more) return true;
    ec = {};
    return false;
}

// Reads until the parser has the whole header and gives what Beast's async_read_header gives: the
// bytes parsed, and its errors (end_of_stream when the peer closed before a byte, partial_message
// when it closed mid-header, the stream's own, such as beast::error::timeout).
template <class Stream, bool isRequest>
awaitable<std::tuple<error_code, std::size_t>> read_header(Stream& stream, beast::flat_buffer& buffer,
                                                           http::basic_parser<isRequest>& parser) {
    std::size_t parsed = 0;
    for (;;) {
        error_code ec;
        const std::size_t held = buffer.size();
        const bool progressed = parse_buffered(parser, buffer, ec);
        parsed += held - buffer.size();
        if (progressed) {
            if (ec || parser.is_header_done()) co_return std::tuple{ec, parsed};
            continue;
        }
        auto [read_error, n] = co_await stream.async_read_some(buffer.prepare(beast::read_size(buffer, 65536)), use_nothrow);
        buffer.commit(n);
        if (read_error == asio::error::eof)
            ec = parser.got_some() ? http::error::partial_message : http::error::end_of_stream;
        else
            ec = read_error;
        if (ec) co_return std::tuple{ec, parsed};
    }
}

} // namespace proxflow
