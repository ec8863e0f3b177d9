#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <typeindex>
#include <utility>
#include <vector>

namespace proxflow {

// State a module keeps across config reloads, named by a key it chooses (Caddy's UsagePool): the
// first config that asks for (type, key) makes it, every config holding it shares it, and it is
// freed when the last config holding it is gone. The engine owns one for its whole life.
class UsagePool {
public:
    template <class T, class Make>
    std::shared_ptr<T> get_or_make(const std::string& key, Make make) {
        std::lock_guard lock(mutex_);
        std::weak_ptr<void>& slot = entries_[{std::type_index(typeid(T)), key}];
        if (auto existing = slot.lock()) return std::static_pointer_cast<T>(existing);
        std::shared_ptr<T> made = make();
        slot = made;
        return made;
    }

    // Every live entry of type T, in key order; entries no config holds any more are dropped here.
    template <class T>
    std::vector<std::shared_ptr<T>> all() const {
        std::lock_guard lock(mutex_);
        std::vector<std::shared_ptr<T>> out;
        for (auto it = entries_.begin(); it != entries_.end();) {
            auto value = it->second.lock();
            if (!value) {
                it = entries_.erase(it);
                continue;
            }
            if (it->first.first == std::type_index(typeid(T))) out.push_back(std::static_pointer_cast<T>(value));
            ++it;
        }
        return out;
    }

private:
    mutable std::mutex mutex_;
    mutable std::map<std::pair<std::type_index, std::string>, std::weak_ptr<void>> entries_;
};

} // namespace proxflow
