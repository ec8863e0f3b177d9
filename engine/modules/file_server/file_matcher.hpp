#pragma once
// Caddy 2.6.2's `file` request matcher (fileserver.MatchFile): matches when one of try_files exists
// under root, chosen by try_policy, and records the file in {http.matchers.file.relative|absolute|
// type|remainder} for the rest of the request (the try_files directive rewrites to it).
#include "config/object_reader.hpp"
#include "routing/matcher.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxflow::file_server {

enum class TryPolicy { first_exist, smallest_size, largest_size, most_recently_modified };
std::optional<TryPolicy> try_policy_named(std::string_view name);

// The matcher's JSON, spelled as MatchFile's fields: one round trip.
struct FileMatchConfig {
    std::string root;                             // "" means {http.vars.root}, then "."
    std::optional<std::vector<std::string>> try_files; // unset means {http.request.uri.path}
    std::string try_policy;                       // "" means first_exist
    std::vector<std::string> split_path;

    bool operator==(const FileMatchConfig&) const = default;

    // Unknown keys, wrong types, an unknown try_policy and a file_system module are ConfigErrors
    // naming their JSON path.
    static FileMatchConfig from_json(const json& value, const std::string& path);
    json to_json() const; // non-defaults only (omitempty)
};

// One entry of try_files: as configured (a trailing slash asks for a directory, "=404" for an
// error), and with its placeholders rendered, glob characters in their values escaped.
struct TryFile {
    std::string pattern;
    std::string expanded;
};

struct SelectedFile {
    std::string relative;  // root-relative, as the rewrite uses it
    std::string absolute;  // root joined
    std::string remainder; // what split_path cut off the end
    bool directory = false;
};

// What the matcher decides once placeholders are rendered: a file, an error status (first_exist
// reaching "=NNN" before any file exists), or neither.
struct FileSelection {
    std::optional<SelectedFile> file;
    unsigned error_status = 0;
};
FileSelection select_file(const std::string& root, const std::vector<TryFile>& files, TryPolicy policy,
                          const std::vector<std::string>& split_path);

// Go's filepath.Glob on the local file system: the pattern itself when it has no glob characters
// and exists (lstat), otherwise the existing names it matches, sorted per directory.
std::vector<std::string> glob_files(const std::string& pattern);

// MatchFile.firstSplit: the path up to and including the first split_path delimiter found (case
// insensitive) that ends a path element, and the rest; the whole path and "" when none does.
std::pair<std::string, std::string> first_split(const std::string& path, const std::vector<std::string>& split_path);

std::unique_ptr<Matcher> make_file_matcher(const json& value, const std::string& path);

} // namespace proxflow::file_server
