#include "server/request_checks.hpp"

#include "http/field_lookup.hpp"
#include "http/request_target.hpp"

namespace proxflow {
namespace {

// RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host header, with a valid value; none at all
// only in HTTP/1.0.
bool has_valid_host(const Request& req) {
    const auto hosts = field_count(req, http::field::host);
    if (hosts == 0) return req.version() < 11;
    return hosts == 1 && is_valid_host(field_value(req, http::field::host));
}

// Only chunked may frame a request body (RFC 9112 §6.1); anything else cannot be read safely.
bool has_unsupported_transfer_encoding(const Request& req) {
    return !field_value(req, http::field::transfer_encoding).empty() && !says_chunked(req);
}

// Beast accepts Content-Length repeated, or as a list, when every value is the same (RFC 9112
// §6.3 allows that reading); the upstream gets the one value, never the repetition, which a
// different parser behind us might read otherwise.
void merge_content_length(RequestParser& parser) {
    auto& req = parser.get();
    const auto length = parser.content_length();
    if (!length) return;
    const auto value = field_value(req, http::field::content_length);
    if (field_count(req, http::field::content_length) == 1 && value.find(',') == beast::string_view::npos) return;
    req.set(http::field::content_length, std::to_string(*length));
}

} // namespace

http::status vet_request(RequestParser& parser) {
    auto& req = parser.get();
    if (!has_valid_host(req)) return http::status::bad_request;
    if (has_unsupported_transfer_encoding(req)) return http::status::not_implemented;
    if (req.method() == http::verb::trace || req.method() == http::verb::connect) return http::status::method_not_allowed;
    if (!normalize_request_target(req)) return http::status::bad_request;
    merge_content_length(parser);
    return http::status::unknown;
}

} // namespace proxflow
