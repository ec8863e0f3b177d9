#pragma once
// The conditional and range parts of Go's http.ServeContent (RFC 9110 §13 and §14), which Caddy
// 2.6.2's file_server answers with: If-Match, If-Unmodified-Since, If-None-Match,
// If-Modified-Since, If-Range and a Range of bytes.
#include "http/beast.hpp"

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxflow::file_server {

// An HTTP date (IMF-fixdate), as Last-Modified carries it.
std::string http_date(std::time_t t);
// IMF-fixdate, RFC 850 or asctime form; nullopt when it is none of them.
std::optional<std::time_t> parse_http_date(std::string_view text);

enum class Precondition {
    proceed,             // serve the representation (honouring Range when range_allowed)
    not_modified,        // 304
    precondition_failed, // 412
};

struct ConditionalOutcome {
    Precondition result = Precondition::proceed;
    bool range_allowed = true; // false when If-Range names another version: serve it whole
};

// Go's checkPreconditions for a representation with this ETag and modification time.
ConditionalOutcome check_preconditions(const http::request_header<>& request, std::string_view etag, std::time_t modified);

struct ByteRange {
    std::uint64_t start = 0;
    std::uint64_t length = 0;
    std::string content_range(std::uint64_t size) const;
};

struct RangeRequest {
    enum class Status { whole, ranges, invalid, no_overlap } status = Status::whole;
    std::vector<ByteRange> ranges;
};

// Go's parseRange of a Range header against a body of size bytes, then ServeContent's rule that
// ranges adding up to more than the body are ignored (served whole).
RangeRequest parse_range(std::string_view header, std::uint64_t size);

} // namespace proxflow::file_server
