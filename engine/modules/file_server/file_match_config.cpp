// The file matcher's JSON (FileMatchConfig), apart from its runtime so that what only reads and writes
// configs (the Caddyfile adapter and exporter, the fuzzer) does not pull in the file system walk.
#include "modules/file_server/file_matcher.hpp"

#include "config/object_reader.hpp"

namespace proxflow::file_server {
namespace {

constexpr std::string_view policy_names[] = {"first_exist", "smallest_size", "largest_size", "most_recently_modified"};

} // namespace

std::optional<TryPolicy> try_policy_named(std::string_view name) {
    if (name.empty()) return TryPolicy::first_exist;
    for (std::size_t i = 0; i < std::size(policy_names); ++i)
        if (policy_names[i] == name) return static_cast<TryPolicy>(i);
    return std::nullopt;
}

FileMatchConfig FileMatchConfig::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    FileMatchConfig c;
    if (r.has("file_system")) throw ConfigError(r.path_of("file_system"), "file system modules are not supported by ProxFlow yet");
    c.root = r.string("root");
    if (r.has("try_files")) c.try_files = r.strings("try_files");
    c.try_policy = r.string("try_policy");
    if (!try_policy_named(c.try_policy)) throw ConfigError(r.path_of("try_policy"), "unknown try policy " + c.try_policy);
    c.split_path = r.strings("split_path");
    r.finish();
    return c;
}

json FileMatchConfig::to_json() const {
    json out = json::object();
    if (!root.empty()) out["root"] = root;
    if (try_files) out["try_files"] = *try_files;
    if (!try_policy.empty()) out["try_policy"] = try_policy;
    if (!split_path.empty()) out["split_path"] = split_path;
    return out;
}

} // namespace proxflow::file_server
