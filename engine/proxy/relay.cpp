#include "proxy/relay.hpp"

#include "http/response_filter.hpp"

namespace proxflow {
namespace {

void append_fields(const http::fields& fields, std::string& out) {
    for (const auto& field : fields) {
        out += field.name_string();
        out += ": ";
        out += field.value();
        out += "\r\n";
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
    out += "HTTP/1.1 ";
    out += std::to_string(header.result_int());
    out += ' ';
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
