#pragma once
// The `file_server` handler's config, spelled as Caddy 2.6.2's fileserver.FileServer struct: one
// round trip (from_json validates, to_json writes only what differs from the defaults).
#include "config/object_reader.hpp"

#include <optional>
#include <string>
#include <vector>

namespace proxflow {

struct FileServerConfig {
    // Caddy's Browse: an empty struct turns listings on; template_file replaces the default page.
    struct Browse {
        std::string template_file;
        bool operator==(const Browse&) const = default;
    };

    std::string root;                        // "" means {http.vars.root}, then the working directory
    std::vector<std::string> hide;           // file system paths or names, globs and placeholders allowed
    std::vector<std::string> index_names;    // empty means index.html, index.txt
    std::optional<Browse> browse;
    std::optional<bool> canonical_uris;      // unset means true
    std::string status_code;                 // Caddy's WeakString: a number or a placeholder
    bool pass_thru = false;
    std::vector<std::string> precompressed;  // encodings with sidecar files: gzip, zstd, br
    std::vector<std::string> precompressed_order;

    bool operator==(const FileServerConfig&) const = default;

    // Reads the handler object; reader is positioned on it (the "handler" key is skipped). Unknown
    // keys, wrong types and unknown precompressors are ConfigErrors naming their JSON path.
    static FileServerConfig from_json(ObjectReader& reader);
    // The handler object without "handler", non-defaults only (Caddy's omitempty).
    json to_json() const;
};

// The precompressed sidecar encodings Caddy 2.6.2 ships, with the file suffix each one reads.
struct Precompressor {
    std::string_view encoding;
    std::string_view suffix;
};
const Precompressor* find_precompressor(std::string_view encoding);

} // namespace proxflow
