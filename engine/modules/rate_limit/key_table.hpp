#pragma once
// The keys one zone tracks, each with its algorithm's state: shards with a lock each, so requests
// of different keys rarely meet, and a recency list per shard threaded through the entries, so the
// table never holds more than its cap (the least recently seen key is evicted).
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace proxflow::rate_limit {

template <class State>
class KeyTable {
public:
    struct Slot {
        State state;
        std::uint64_t admitted = 0; // since the last drain (distributed sync)
        // The recency list: entries of an unordered_map never move, so they can link to each other.
        Slot* newer = nullptr;
        Slot* older = nullptr;
        const std::string* key = nullptr;
    };

    explicit KeyTable(std::size_t max_keys) : max_keys_(max_keys) {}

    std::size_t size() const { return size_.load(std::memory_order_relaxed); }

    // Runs use(slot) under the key's shard lock, making the slot when the key is new; with the table
    // full, the new key's shard gives up its least recent key first. is_idle(state) tells whether
    // that key was at rest (else it counts in evicted).
    template <class Use, class IsIdle>
    auto with(std::string_view key, Use use, IsIdle is_idle, std::uint64_t& evicted) {
        Shard& shard = shards_[std::hash<std::string_view>{}(key) % shard_count];
        std::lock_guard lock(shard.mutex);
        if (auto found = shard.slots.find(key); found != shard.slots.end()) {
            shard.touch(found->second);
            return use(found->second);
        }
        if (size_.load(std::memory_order_relaxed) >= max_keys_ && shard.oldest) {
            Slot* victim = shard.oldest;
            if (!is_idle(victim->state)) ++evicted;
            shard.unlink(*victim);
            shard.slots.erase(*victim->key);
        } else {
            size_.fetch_add(1, std::memory_order_relaxed);
        }
        auto [it, made] = shard.slots.try_emplace(std::string(key));
        it->second.key = &it->first;
        shard.push_newest(it->second);
        return use(it->second);
    }

    // Drops the keys whose state is at rest and that no sync is waiting for; returns how many.
    template <class IsIdle>
    std::size_t sweep(IsIdle is_idle) {
        std::size_t dropped = 0;
        for (Shard& shard : shards_) {
            std::lock_guard lock(shard.mutex);
            for (auto it = shard.slots.begin(); it != shard.slots.end();) {
                if (is_idle(it->second.state) && it->second.admitted == 0) {
                    shard.unlink(it->second);
                    it = shard.slots.erase(it);
                    size_.fetch_sub(1, std::memory_order_relaxed);
                    ++dropped;
                } else {
                    ++it;
                }
            }
        }
        return dropped;
    }

    std::vector<std::pair<std::string, std::uint64_t>> drain_admitted() {
        std::vector<std::pair<std::string, std::uint64_t>> out;
        for (Shard& shard : shards_) {
            std::lock_guard lock(shard.mutex);
            for (auto& [key, slot] : shard.slots)
                if (slot.admitted) out.emplace_back(key, std::exchange(slot.admitted, 0));
        }
        return out;
    }

private:
    static constexpr std::size_t shard_count = 64;

    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    struct Shard {
        std::mutex mutex;
        std::unordered_map<std::string, Slot, Hash, std::equal_to<>> slots;
        Slot* newest = nullptr;
        Slot* oldest = nullptr;

        void unlink(Slot& s) {
            (s.newer ? s.newer->older : newest) = s.older;
            (s.older ? s.older->newer : oldest) = s.newer;
            s.newer = s.older = nullptr;
        }
        void push_newest(Slot& s) {
            s.older = newest;
            s.newer = nullptr;
            (newest ? newest->newer : oldest) = &s;
            newest = &s;
        }
        void touch(Slot& s) {
            if (newest == &s) return;
            unlink(s);
            push_newest(s);
        }
    };

    const std::size_t max_keys_;
    std::atomic<std::size_t> size_{0}; // one count for the whole table: its cap is exact, however keys hash
    Shard shards_[shard_count];
};

} // namespace proxflow::rate_limit
