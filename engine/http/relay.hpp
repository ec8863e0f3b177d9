#pragma once
#include "http/beast.hpp"
#include "http/client_stream.hpp"
#include "http/field_lookup.hpp"
#include "http/read_with_parser.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <span>
#include <string>
#include <type_traits>

namespace proxflow {

// read_failed: the source went away or timed out; malformed: its framing broke (a bad chunk size, a
// chunk without its CRLF), which RFC 9112 answers with a 400 when a response can still be sent;
// too_large: the body crossed the parser's body limit (request_body's max_size).
enum class RelayStatus { done, read_failed, malformed, too_large, write_failed };
RelayStatus status_of_read_error(const error_code& ec);

struct RelayResult {
    RelayStatus status = RelayStatus::done;
    std::uint64_t body_bytes = 0;    // body bytes read from the source (de-chunked)
    std::uint64_t bytes_written = 0; // bytes written to the destination, header and framing included
};

// The wire form of a header Beast has parsed and we have edited: one contiguous buffer, so the
// header and the first piece of body leave in a single write.
void serialize_header(const http::request_header<>& header, std::string& out);
void serialize_header(const http::response_header<>& header, std::string& out);

class ResponseBodyWriter;

// The socket a relay may write to without its stream: a plain TCP one in non-blocking mode (TLS
// must go through its stream, and a blocking socket would stall the worker).
inline tcp::socket* direct_socket(beast::tcp_stream& stream) {
    return stream.socket().non_blocking() ? &stream.socket() : nullptr;
}
inline tcp::socket* direct_socket(ClientStream& stream) {
    return !stream.is_tls() && stream.socket().non_blocking() ? &stream.socket() : nullptr;
}

// Streams one HTTP message from a parser whose header has been read to another stream, a piece at
// a time: each piece is written before the next is read, so memory stays flat and a slow reader
// slows the writer (backpressure). Beast parses and de-chunks; the output framing follows the
// (possibly edited) header: chunked when it says so, raw bytes otherwise.
// When `out` is a ResponseBodyWriter (the request has response filters: encode), the pieces go
// through it instead: it sends the header and frames what the filters make of the body.
// A non-zero read_timeout / write_timeout bounds each read from `in` / each write to `out` (as Go's
// per-call deadlines in Caddy's transport), not the whole message; zero leaves the stream's expiry.
struct RelayTimeouts {
    std::chrono::nanoseconds read{};
    std::chrono::nanoseconds write{};
};

struct NothingToDo {
    void operator()() const {}
};

// head_already_sent: the header went out before (Expect: 100-continue); only the body follows.
// source_done runs once the whole message has been read from `in`, before its last piece is written.
template <bool isRequest, class InStream, class Out, class SourceDone = NothingToDo>
awaitable<RelayResult> relay_message(InStream& in, beast::flat_buffer& in_buffer,
                                     http::parser<isRequest, http::buffer_body>& parser, Out& out,
                                     char* scratch, std::size_t scratch_size, RelayTimeouts timeouts = {},
                                     bool head_already_sent = false, SourceDone source_done = {}) {
    constexpr bool filtered = std::is_same_v<Out, ResponseBodyWriter>;
    RelayResult result;
    std::string head;
    if constexpr (!filtered)
        if (!head_already_sent) serialize_header(parser.get().base(), head);
    [[maybe_unused]] const bool chunked = says_chunked(parser.get());
    auto& body = parser.get().body();
    [[maybe_unused]] bool head_sent = head_already_sent;
    static constexpr std::string_view crlf = "\r\n", last_chunk = "0\r\n\r\n";
    for (;;) {
        std::size_t n = 0;
        if (!parser.is_done()) {
            body.data = scratch;
            body.size = scratch_size;
            error_code ec;
            if (!parse_buffered(parser, in_buffer, ec)) {
                if (timeouts.read.count() > 0) in.expires_after(timeouts.read);
                std::tie(ec, std::ignore) = co_await http::async_read_some(in, in_buffer, parser, use_nothrow);
            }
            if (ec == http::error::need_buffer) ec = {};
            if (ec) {
                result.status = status_of_read_error(ec);
                co_return result;
            }
            n = scratch_size - body.size;
            result.body_bytes += n;
        }
        const bool last = parser.is_done();
        if (last) {
            source_done();
            // The per-read deadline ends with the reads: it must not cut a later write short.
            if (timeouts.read.count() > 0) in.expires_never();
        }
        if constexpr (filtered) {
            // Nothing more from the source at hand (at most chunk framing is buffered): the next
            // read may wait, so what the filters hold goes out now. The writer counts what it sends.
            error_code ignored;
            const bool flush = in_buffer.size() <= 8 && in.socket().available(ignored) == 0;
            if (!co_await out.write(std::string_view(scratch, n), flush, last)) {
                result.status = RelayStatus::write_failed;
                co_return result;
            }
        } else {
            std::array<asio::const_buffer, 5> pieces;
            std::size_t count = 0;
            if (!head_sent) pieces[count++] = asio::buffer(head);
            char size_line[24];
            if (chunked) {
                if (n) {
                    auto [end, err] = std::to_chars(size_line, size_line + 16, n, 16);
                    *end++ = '\r';
                    *end++ = '\n';
                    pieces[count++] = asio::buffer(size_line, static_cast<std::size_t>(end - size_line));
                    pieces[count++] = asio::buffer(scratch, n);
                    pieces[count++] = asio::buffer(crlf);
                }
                if (last) pieces[count++] = asio::buffer(last_chunk);
            } else if (n) {
                pieces[count++] = asio::buffer(scratch, n);
            }
            if (count) {
                const std::span<const asio::const_buffer> all(pieces.data(), count);
                // Straight to the socket first: it usually takes the whole piece at once, and only
                // what it cannot take now waits in the event loop (a suspension and a resumption less).
                std::size_t written = 0;
                error_code ec;
                if (tcp::socket* socket = direct_socket(out)) {
                    written = socket->write_some(all, ec);
                    if (ec == asio::error::would_block) ec = {};
                }
                if (!ec && written < beast::buffer_bytes(all)) {
                    beast::buffers_suffix<std::span<const asio::const_buffer>> rest(all);
                    rest.consume(written);
                    if (timeouts.write.count() > 0) out.expires_after(timeouts.write);
                    std::size_t more = 0;
                    std::tie(ec, more) = co_await asio::async_write(out, rest, use_nothrow);
                    written += more;
                }
                result.bytes_written += written;
                if (ec) {
                    result.status = RelayStatus::write_failed;
                    co_return result;
                }
            }
            head_sent = true;
        }
        if (last) co_return result;
    }
}

// Copies bytes both ways until either side closes (WebSocket and other Upgrade tunnels).
awaitable<void> tunnel(ClientStream& client, beast::flat_buffer& client_buffer, beast::tcp_stream& upstream,
                       beast::flat_buffer& upstream_buffer);

} // namespace proxflow
