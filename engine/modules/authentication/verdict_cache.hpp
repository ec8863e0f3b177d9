#pragma once
// Results of password checks already made (Caddy's http_basic hash_cache): bcrypt is slow by design,
// so a client sending the same credentials on every request pays for the hash once. Keys are a
// SHA-256 of the stored hash, salt and plaintext, so no password sits in memory in the clear.
#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>

namespace proxflow {

class VerdictCache {
public:
    using Key = std::array<std::uint8_t, 32>;
    static Key key_of(std::string_view hashed, std::string_view salt, std::string_view plaintext);

    std::optional<bool> find(const Key& key) const;
    // At capacity about a tenth of the entries, picked at random, make room (Caddy's makeRoom).
    void store(const Key& key, bool same);

    static constexpr std::size_t capacity = 1000;

private:
    struct KeyHash {
        std::size_t operator()(const Key& k) const;
    };
    mutable std::shared_mutex mutex_;
    std::unordered_map<Key, bool, KeyHash> verdicts_;
    std::minstd_rand random_{std::random_device{}()};
};

} // namespace proxflow
