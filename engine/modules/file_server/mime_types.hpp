#pragma once
#include <string>
#include <string_view>

namespace proxflow::file_server {

// The Content-Type for a file name by its extension, as Go's mime.TypeByExtension answers Caddy on
// the same machine: Go 1.19's built-in table first, then the system's shared-mime-info globs2 (or,
// without it, /etc/mime.types); text types get "; charset=utf-8". Empty when the extension is unknown.
std::string content_type_for(std::string_view filename);

} // namespace proxflow::file_server
