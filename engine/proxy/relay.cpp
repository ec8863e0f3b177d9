#include "proxy/relay.hpp"

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

} // namespace proxflow
