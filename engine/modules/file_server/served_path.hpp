#pragma once
// From a request path to a file system path the way Caddy 2.6.2 does it (caddyhttp.SanitizedPathJoin),
// and the hide list's matching (fileserver.fileHidden): the two places where a request could reach
// a file it must not.
#include "http/url_path.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxflow::file_server {

// root joined with the cleaned request path, which therefore cannot climb above root; a trailing
// slash of the request path is kept (so a regular file asked for as a directory is not found).
std::string sanitized_path_join(std::string_view root, std::string_view request_path);

// filepath.Abs: joined to the working directory when relative, then cleaned.
std::string absolute_path(std::string_view path);

// Go's filepath.Match on '/'-separated names: '*' and '?' never cross a '/', [a-z] and [^…] classes,
// backslash escapes. A malformed pattern matches nothing.
bool glob_match(std::string_view pattern, std::string_view name);

// Whether filename is hidden by one of the (already rendered) hide entries: an entry without a '/'
// hides every path component of that name (globs allowed), one with a '/' hides that absolute path
// and everything under it, and any entry hides what it glob-matches as a whole.
bool file_hidden(std::string_view filename, const std::vector<std::string>& hide);

// Prepares one rendered hide entry: made absolute when it holds a '/', as Caddy compares them.
std::string hide_entry(std::string rendered);

} // namespace proxflow::file_server
