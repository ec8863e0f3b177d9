#include "modules/reverse_proxy/connection_limit.hpp"

#include "modules/reverse_proxy/connection_pool.hpp"

#include <algorithm>

namespace proxflow {

ConnectionSlot::~ConnectionSlot() { limit_->release(*this); }

bool ConnectionSlot::park(ConnectionPool& pool, const std::string& key, const asio::any_io_executor& ex) {
    std::lock_guard lock(limit_->mutex_);
    auto& host = limit_->hosts_[dial_];
    if (!host.waiters.empty()) return false;
    host.parked.push_back({this, &pool, key, ex});
    return true;
}

void ConnectionSlot::unpark() {
    std::lock_guard lock(limit_->mutex_);
    limit_->remove_parked(limit_->hosts_[dial_], *this);
}

std::string ConnectionLimit::pool_key(const std::string& dial) const {
    return dial + '\n' + std::to_string(reinterpret_cast<std::uintptr_t>(this));
}

void ConnectionLimit::remove_parked(Host& host, const ConnectionSlot& slot) {
    std::erase_if(host.parked, [&](const Parked& p) { return p.slot == &slot; });
}

void ConnectionLimit::release(ConnectionSlot& slot) {
    std::lock_guard lock(mutex_);
    auto& host = hosts_[slot.dial_];
    remove_parked(host, slot);
    if (host.waiters.empty()) {
        --host.open;
        return;
    }
    // The place passes straight to the first waiter, so nobody can take it in between.
    auto waiter = std::move(host.waiters.front());
    host.waiters.pop_front();
    waiter->granted = true;
    asio::post(waiter->wake.get_executor(), [waiter] { waiter->wake.cancel(); });
}

awaitable<std::unique_ptr<ConnectionSlot>> ConnectionLimit::acquire(const std::string& dial, std::chrono::nanoseconds wait) {
    auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
    {
        std::lock_guard lock(mutex_);
        auto& host = hosts_[dial];
        if (host.open < max_) {
            ++host.open;
            co_return std::make_unique<ConnectionSlot>(shared_from_this(), dial);
        }
        host.waiters.push_back(waiter);
        // An idle connection (on whichever thread pooled it) is a place nobody uses: have it closed.
        if (!host.parked.empty()) {
            Parked idle = std::move(host.parked.front());
            host.parked.erase(host.parked.begin());
            asio::post(idle.ex, [pool = idle.pool, key = std::move(idle.key), slot = idle.slot] { pool->close_one(key, slot); });
        }
    }
    if (wait.count() > 0) waiter->wake.expires_after(wait);
    else waiter->wake.expires_at(asio::steady_timer::time_point::max());
    co_await waiter->wake.async_wait(use_nothrow);
    std::lock_guard lock(mutex_);
    if (waiter->granted) co_return std::make_unique<ConnectionSlot>(shared_from_this(), dial);
    auto& waiters = hosts_[dial].waiters;
    waiters.erase(std::remove(waiters.begin(), waiters.end(), waiter), waiters.end());
    co_return nullptr;
}

} // namespace proxflow
