#include "http/relay.hpp"

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

RelayStatus status_of_read_error(const error_code& ec) {
    if (ec == http::error::body_limit) return RelayStatus::too_large;
    const bool framing = ec.category() == make_error_code(http::error::bad_chunk).category();
    if (framing && ec != http::error::partial_message && ec != http::error::end_of_stream) return RelayStatus::malformed;
    return RelayStatus::read_failed;
}

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

} // namespace proxflow
