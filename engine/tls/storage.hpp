#pragma once
// Where certificates, keys and the local CA are kept: the top-level `storage` of Caddy's config
// (module file_system, as certmagic's FileStorage lays it out). One piece shared by every issuer.
#include "config/object_reader.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace proxflow::tls {

class Storage {
public:
    explicit Storage(std::filesystem::path root) : root_(std::move(root)) {}

    // `storage` at the top of the config; null: the default root.
    static Storage from_json(const json* value, const std::string& path);
    // $XDG_DATA_HOME/proxflow, else ~/.local/share/proxflow (Caddy uses .../caddy the same way).
    static std::filesystem::path default_root();

    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path path_of(std::string_view key) const { return root_ / std::filesystem::path(key); }

    std::optional<std::string> load(std::string_view key) const;
    // Written whole or not at all (temporary file, then rename); secrets are readable by the owner only.
    // Throws std::runtime_error naming the file.
    void store(std::string_view key, std::string_view data, bool secret = false) const;

    // A name as a storage key segment: certmagic's safe form (lower case, '*' as "wildcard_").
    static std::string safe_key(std::string_view name);

private:
    std::filesystem::path root_;
};

} // namespace proxflow::tls
