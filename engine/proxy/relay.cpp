#include "proxy/relay.hpp"

#include "http/response_filter.hpp"

namespace proxflow {
namespace {

// Beast keeps each field as one "Name: value\r\n" line, which its writer's iterator hands out as a
// buffer: one append per field instead of four.
void append_fields(const http::fields& fields, std::string& out) {
    using Line = http::fields::writer::field_iterator;
    for (Line line(fields.begin()), end(fields.end()); line != end; ++line) {
        const asio::const_buffer text = *line;
        out.append(static_cast<const char*>(text.data()), text.size());
    }
    out += "\r\n";
}

} // namespace

void serialize_header(const http::request_header<>& header, std::string& out) {
    out.clear();
    out.reserve(512);
    out += header.method_string();
    out += ' ';
    out += header.target();
    out += header.version() == 10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n";
    append_fields(header, out);
}

void serialize_header(const http::response_header<>& header, std::string& out) {
    out.clear();
    out.reserve(512);
    char status[4];
    const unsigned code = header.result_int();
    status[0] = static_cast<char>('0' + code / 100 % 10);
    status[1] = static_cast<char>('0' + code / 10 % 10);
    status[2] = static_cast<char>('0' + code % 10);
    status[3] = ' ';
    out += "HTTP/1.1 ";
    out.append(status, 4);
    const auto reason = header.reason();
    out += reason.empty() ? http::obsolete_reason(header.result()) : reason;
    out += "\r\n";
    append_fields(header, out);
}

awaitable<RelayResult> relay_filtered_response(beast::tcp_stream& in, beast::flat_buffer& in_buffer, ResponseParser& parser,
                                               ResponseBodyWriter& out, char* scratch, std::size_t scratch_size,
                                               std::chrono::nanoseconds read_timeout) {
    RelayResult result;
    auto& body = parser.get().body();
    for (;;) {
        std::size_t n = 0;
        if (!parser.is_done()) {
            body.data = scratch;
            body.size = scratch_size;
            if (read_timeout.count() > 0) in.expires_after(read_timeout);
            auto [ec, ignored] = co_await http::async_read_some(in, in_buffer, parser, use_nothrow);
            if (ec == http::error::need_buffer) ec = {};
            if (ec) {
                result.status = RelayStatus::read_failed;
                co_return result;
            }
            n = scratch_size - body.size;
            result.body_bytes += n;
        }
        const bool last = parser.is_done();
        // Nothing more from the upstream at hand (at most chunk framing is buffered): the next read
        // may wait, so what the filters hold goes out now.
        error_code ignored;
        const bool flush = in_buffer.size() <= 8 && in.socket().available(ignored) == 0;
        if (!co_await out.write(std::string_view(scratch, n), flush, last)) {
            result.status = RelayStatus::write_failed;
            co_return result;
        }
        if (last) co_return result;
    }
}

} // namespace proxflow
