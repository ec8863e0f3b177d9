#include "modules/authentication/verdict_cache.hpp"

#include <openssl/evp.h>

#include <cstring>
#include <iterator>
#include <mutex>

namespace proxflow {

VerdictCache::Key VerdictCache::key_of(std::string_view hashed, std::string_view salt, std::string_view plaintext) {
    Key key{};
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
    // Lengths first, so that no two (hash, salt, plaintext) triples read as the same bytes.
    for (std::string_view part : {hashed, salt, plaintext}) {
        const std::uint64_t size = part.size();
        EVP_DigestUpdate(md, &size, sizeof size);
        EVP_DigestUpdate(md, part.data(), part.size());
    }
    unsigned int length = 0;
    EVP_DigestFinal_ex(md, key.data(), &length);
    EVP_MD_CTX_free(md);
    return key;
}

std::size_t VerdictCache::KeyHash::operator()(const Key& k) const {
    std::size_t h;
    std::memcpy(&h, k.data(), sizeof h);
    return h;
}

std::optional<bool> VerdictCache::find(const Key& key) const {
    std::shared_lock lock(mutex_);
    const auto it = verdicts_.find(key);
    if (it == verdicts_.end()) return std::nullopt;
    return it->second;
}

void VerdictCache::store(const Key& key, bool same) {
    std::unique_lock lock(mutex_);
    if (verdicts_.size() >= capacity) {
        for (std::size_t evict = std::max<std::size_t>(verdicts_.size() / 10, 1); evict > 0 && !verdicts_.empty(); --evict) {
            auto victim = verdicts_.begin();
            std::advance(victim, static_cast<long>(random_() % verdicts_.size()));
            verdicts_.erase(victim);
        }
    }
    verdicts_[key] = same;
}

} // namespace proxflow
