#include "http/request_target.hpp"

#include "http/url_path.hpp"

#include <array>

namespace proxflow {
namespace {

// The length of "http://" or "https://" (any case) at the start of target; 0 when neither.
std::size_t http_scheme_length(std::string_view target) {
    for (std::string_view scheme : {"http://", "https://"})
        if (target.size() > scheme.size() && beast::iequals(target.substr(0, scheme.size()), scheme)) return scheme.size();
    return 0;
}


// Whether the path holds a segment that could be a dot segment; most paths do not, and skip the rest.
bool may_hold_dot_segments(std::string_view path) {
    return path.find("/.") != std::string_view::npos || path.find("/%2") != std::string_view::npos;
}

} // namespace

bool is_valid_host(std::string_view host) {
    // RFC 3986's reg-name, IP-literal and port characters (userinfo's '@' is not one: RFC 9110 §4.2.4),
    // looked up in a table: every request's Host passes through here.
    static constexpr auto allowed = [] {
        std::array<bool, 256> table{};
        for (unsigned char c = '0'; c <= '9'; ++c) table[c] = true;
        for (unsigned char c = 'a'; c <= 'z'; ++c) table[c] = table[c - 'a' + 'A'] = true;
        for (const unsigned char c : std::string_view("-._~!$&'()*+,;=%:[]")) table[c] = true;
        return table;
    }();
    for (const unsigned char c : host)
        if (!allowed[c]) return false;
    return true;
}

bool normalize_request_target(Request& req) {
    std::string_view target(req.target().data(), req.target().size());
    for (const unsigned char c : target)
        if (c >= 0x80) return false;
    if (target == "*") return req.method() == http::verb::options;

    std::string rebuilt;
    if (const std::size_t scheme = http_scheme_length(target)) {
        const std::size_t end = target.find_first_of("/?", scheme);
        const std::string_view authority = target.substr(scheme, end - scheme);
        if (authority.empty() || !is_valid_host(authority)) return false;
        req.set(http::field::host, authority);
        rebuilt = end == std::string_view::npos ? "/" : std::string(target.substr(end));
        if (rebuilt.front() == '?') rebuilt.insert(0, 1, '/');
        target = rebuilt;
    } else if (target.empty() || target.front() != '/') {
        return false;
    }

    const std::string_view path = path_of(target);
    if (path.find('%') != std::string_view::npos && !unescape_path(path)) return false;
    if (may_hold_dot_segments(path)) {
        const auto normalized = remove_dot_segments(path);
        if (!normalized) return false;
        rebuilt = *normalized + std::string(target.substr(path.size()));
        target = rebuilt;
    }
    if (!rebuilt.empty()) req.target(rebuilt);
    return true;
}

} // namespace proxflow
