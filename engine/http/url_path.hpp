#pragma once
// The path of a request target, as Go's net/url and path packages and Caddy's matchers read it:
// one set of rules for routing, forwarding and the file server, so none can be tricked into seeing a
// different path than another.
#include <optional>
#include <string>
#include <string_view>

namespace proxflow {

// The path of an origin-form target: everything before the query.
inline std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

// Go's url.PathUnescape: %XX decoded; nullopt for a malformed escape (Go refuses such a request).
std::optional<std::string> unescape_path(std::string_view escaped);

// Go's path.Clean: one slash between elements, no "." elements, ".." resolved lexically and never
// above "/" for a rooted path; "" becomes ".".
std::string clean_path(std::string_view path);

// Caddy's CleanPath, which its path matchers compare against: path.Clean that keeps a trailing slash,
// and keeps doubled slashes when merge_slashes is false (a pattern that holds "//").
std::string clean_matched_path(std::string_view path, bool merge_slashes);

// RFC 3986 §5.2.4 on an absolute path, with "%2e" read as "." in a segment (RFC 3986 §6.2.2.2: the
// same character): "/a/./b/../c" is "/a/c". Other bytes, doubled slashes and escapes stay as they
// are. nullopt when a ".." climbs above the root, which no client of a real origin sends.
std::optional<std::string> remove_dot_segments(std::string_view path);

} // namespace proxflow
