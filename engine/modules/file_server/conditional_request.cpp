#include "modules/file_server/conditional_request.hpp"

#include "http/field_lookup.hpp"

#include <charconv>
#include <cstring>

namespace proxflow::file_server {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Go's scanETag: one entity tag at the start of s (W/"…" or "…") and what follows it; empty tag
// when s does not start with one.
std::pair<std::string_view, std::string_view> scan_etag(std::string_view s) {
    s = trim(s);
    std::size_t start = 0;
    if (s.starts_with("W/")) start = 2;
    if (s.size() - start < 2 || s[start] != '"') return {{}, {}};
    for (std::size_t i = start + 1; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == 0x21 || (c >= 0x23 && c <= 0x7E) || c >= 0x80) continue;
        if (c == '"') return {s.substr(0, i + 1), s.substr(i + 1)};
        return {{}, {}};
    }
    return {{}, {}};
}

bool strong_match(std::string_view a, std::string_view b) { return a == b && !a.empty() && a[0] == '"'; }
bool weak_match(std::string_view a, std::string_view b) {
    if (a.starts_with("W/")) a.remove_prefix(2);
    if (b.starts_with("W/")) b.remove_prefix(2);
    return a == b;
}

enum class Cond { none, yes, no };

// If-Match / If-None-Match: a list of tags or "*", compared strongly or weakly.
Cond check_tag_list(std::string_view header, std::string_view etag, bool strong) {
    header = trim(header);
    if (header.empty()) return Cond::none;
    while (true) {
        header = trim(header);
        if (header.empty()) break;
        if (header[0] == ',') {
            header.remove_prefix(1);
            continue;
        }
        if (header[0] == '*') return Cond::yes;
        const auto [tag, rest] = scan_etag(header);
        if (tag.empty()) break;
        if (strong ? strong_match(tag, etag) : weak_match(tag, etag)) return Cond::yes;
        header = rest;
    }
    return Cond::no;
}

bool is_get_or_head(const http::request_header<>& r) { return r.method() == http::verb::get || r.method() == http::verb::head; }

std::optional<std::uint64_t> parse_u64(std::string_view s) {
    std::uint64_t v = 0;
    if (s.empty()) return std::nullopt;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

} // namespace

std::string http_date(std::time_t t) {
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[40];
    const std::size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return std::string(buf, n);
}

std::optional<std::time_t> parse_http_date(std::string_view text) {
    const std::string s(text);
    for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
        std::tm tm{};
        const char* end = ::strptime(s.c_str(), format, &tm);
        if (end && *end == '\0') return ::timegm(&tm);
    }
    return std::nullopt;
}

ConditionalOutcome check_preconditions(const http::request_header<>& request, std::string_view etag, std::time_t modified) {
    Cond match = check_tag_list(field_value(request, http::field::if_match), etag, true);
    if (match == Cond::none) {
        const auto ius = field_value(request, http::field::if_unmodified_since);
        if (!ius.empty() && modified > 0)
            if (const auto t = parse_http_date(ius)) match = modified <= *t ? Cond::yes : Cond::no;
    }
    if (match == Cond::no) return {Precondition::precondition_failed, false};

    switch (check_tag_list(field_value(request, http::field::if_none_match), etag, false)) {
    case Cond::yes: // a tag matched: nothing new for the client
        return {is_get_or_head(request) ? Precondition::not_modified : Precondition::precondition_failed, false};
    case Cond::none:
        if (is_get_or_head(request) && modified > 0) {
            const auto ims = field_value(request, http::field::if_modified_since);
            if (!ims.empty())
                if (const auto t = parse_http_date(ims); t && modified <= *t) return {Precondition::not_modified, false};
        }
        break;
    case Cond::no:
        break;
    }

    ConditionalOutcome out;
    const auto if_range = trim(field_value(request, http::field::if_range));
    if (!if_range.empty() && is_get_or_head(request)) {
        if (const auto [tag, rest] = scan_etag(if_range); !tag.empty()) {
            out.range_allowed = strong_match(tag, etag);
        } else {
            const auto t = parse_http_date(if_range);
            out.range_allowed = modified > 0 && t && *t == modified;
        }
    }
    return out;
}

std::string ByteRange::content_range(std::uint64_t size) const {
    return "bytes " + std::to_string(start) + "-" + std::to_string(start + length - 1) + "/" + std::to_string(size);
}

RangeRequest parse_range(std::string_view header, std::uint64_t size) {
    RangeRequest out;
    if (header.empty()) return out;
    if (!header.starts_with("bytes=")) return {RangeRequest::Status::invalid, {}};
    header.remove_prefix(6);
    bool no_overlap = false;
    while (!header.empty()) {
        const std::size_t comma = header.find(',');
        const std::string_view spec = trim(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        if (spec.empty()) continue;
        const std::size_t dash = spec.find('-');
        if (dash == std::string_view::npos) return {RangeRequest::Status::invalid, {}};
        const std::string_view first = trim(spec.substr(0, dash)), last = trim(spec.substr(dash + 1));
        ByteRange r;
        if (first.empty()) {
            // "-N": the last N bytes.
            const auto n = parse_u64(last);
            if (!n) return {RangeRequest::Status::invalid, {}};
            const std::uint64_t suffix = std::min(*n, size);
            r.start = size - suffix;
            r.length = size - r.start;
        } else {
            const auto start = parse_u64(first);
            if (!start) return {RangeRequest::Status::invalid, {}};
            if (*start >= size) {
                no_overlap = true;
                continue;
            }
            r.start = *start;
            if (last.empty()) {
                r.length = size - r.start;
            } else {
                const auto end = parse_u64(last);
                if (!end || r.start > *end) return {RangeRequest::Status::invalid, {}};
                r.length = std::min(*end, size - 1) - r.start + 1;
            }
        }
        out.ranges.push_back(r);
    }
    if (no_overlap && out.ranges.empty()) return {RangeRequest::Status::no_overlap, {}};
    std::uint64_t total = 0;
    for (const auto& r : out.ranges) total += r.length;
    if (out.ranges.empty() || total > size) return {};
    out.status = RangeRequest::Status::ranges;
    return out;
}

} // namespace proxflow::file_server
