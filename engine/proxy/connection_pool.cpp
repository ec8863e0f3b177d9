#include "proxy/connection_pool.hpp"

namespace proxflow {

std::unique_ptr<UpstreamConnection> ConnectionPool::take(const std::string& dial, std::chrono::nanoseconds idle_timeout) {
    auto it = idle_.find(dial);
    if (it == idle_.end()) return nullptr;
    auto& list = it->second;
    const auto now = std::chrono::steady_clock::now();
    while (!list.empty()) {
        // Most recently used first: it is the least likely to have been closed by the upstream.
        auto conn = std::move(list.back());
        list.pop_back();
        if (idle_timeout.count() > 0 && now - conn->idle_since > idle_timeout) continue;
        conn->reused = true;
        return conn;
    }
    return nullptr;
}

void ConnectionPool::put(const std::string& dial, std::unique_ptr<UpstreamConnection> conn, std::size_t max_idle) {
    auto& list = idle_[dial];
    if (list.size() >= max_idle) return;
    conn->idle_since = std::chrono::steady_clock::now();
    list.push_back(std::move(conn));
}

} // namespace proxflow
