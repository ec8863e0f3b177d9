#include "proxy/connection_pool.hpp"

#include <algorithm>

namespace proxflow {

std::unique_ptr<UpstreamConnection> ConnectionPool::take(const std::string& dial) {
    auto it = idle_.find(dial);
    if (it == idle_.end()) return nullptr;
    auto& list = it->second;
    const auto now = std::chrono::steady_clock::now();
    while (!list.empty()) {
        // Most recently used first: it is the least likely to have been closed by the upstream.
        auto conn = std::move(list.back());
        list.pop_back();
        if (now >= conn->idle_until) continue;
        if (conn->slot) conn->slot->unpark();
        conn->reused = true;
        return conn;
    }
    return nullptr;
}

void ConnectionPool::put(const std::string& dial, std::unique_ptr<UpstreamConnection> conn, std::size_t max_idle,
                         std::chrono::nanoseconds idle_timeout) {
    auto& list = idle_[dial];
    if (list.size() >= max_idle) return;
    if (conn->slot && !conn->slot->park(*this, dial, conn->stream.get_executor())) return;
    conn->idle_until = idle_timeout.count() > 0
                           ? std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(idle_timeout)
                           : std::chrono::steady_clock::time_point::max();
    list.push_back(std::move(conn));
}

void ConnectionPool::close_one(const std::string& key, const ConnectionSlot* slot) {
    auto it = idle_.find(key);
    if (it == idle_.end()) return;
    std::erase_if(it->second, [slot](const std::unique_ptr<UpstreamConnection>& conn) { return conn->slot.get() == slot; });
}

void ConnectionPool::close_expired(std::chrono::steady_clock::time_point now) {
    for (auto& [dial, list] : idle_)
        std::erase_if(list, [now](const std::unique_ptr<UpstreamConnection>& conn) { return now >= conn->idle_until; });
}

} // namespace proxflow
