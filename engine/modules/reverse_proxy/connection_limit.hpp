#pragma once
#include "http/beast.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace proxflow {

class ConnectionLimit;
class ConnectionPool;

// One connection counted against a ConnectionLimit, from before its dial until it closes; held by
// its UpstreamConnection, so a connection closed anywhere (used, idle, swept) gives its place back.
class ConnectionSlot {
public:
    ConnectionSlot(std::shared_ptr<ConnectionLimit> limit, std::string dial) : limit_(std::move(limit)), dial_(std::move(dial)) {}
    ~ConnectionSlot();
    ConnectionSlot(const ConnectionSlot&) = delete;
    ConnectionSlot& operator=(const ConnectionSlot&) = delete;

    // The connection goes idle into pool under key (on the pool's thread, ex). Returns false when a
    // request is waiting for a place: then the connection should close, and its place goes to it.
    bool park(ConnectionPool& pool, const std::string& key, const asio::any_io_executor& ex);
    // The connection was taken from its pool for a request.
    void unpark();

private:
    friend class ConnectionLimit;
    std::shared_ptr<ConnectionLimit> limit_;
    std::string dial_;
};

// transport.max_conns_per_host: at most `max` connections (dialling, in use and idle) per upstream
// address for one transport, across engine threads, as Go's Transport.MaxConnsPerHost. A request
// past the cap waits until one closes; an idle one held by another thread is asked to close.
class ConnectionLimit : public std::enable_shared_from_this<ConnectionLimit> {
public:
    explicit ConnectionLimit(std::size_t max) : max_(max) {}

    // A place for one more connection to dial, waiting up to `wait` (0: no limit) for one; null when
    // the wait ran out.
    awaitable<std::unique_ptr<ConnectionSlot>> acquire(const std::string& dial, std::chrono::nanoseconds wait);

    // Pooled connections are kept apart from other transports' under this key, so that only
    // connections this limit counts are reused through it.
    std::string pool_key(const std::string& dial) const;

private:
    friend class ConnectionSlot;
    struct Waiter {
        explicit Waiter(const asio::any_io_executor& ex) : wake(ex) {}
        asio::steady_timer wake;
        bool granted = false;
    };
    struct Parked {
        ConnectionSlot* slot;
        ConnectionPool* pool;
        std::string key;
        asio::any_io_executor ex;
    };
    struct Host {
        std::size_t open = 0;
        std::deque<std::shared_ptr<Waiter>> waiters;
        std::vector<Parked> parked;
    };
    void release(ConnectionSlot& slot);
    void remove_parked(Host& host, const ConnectionSlot& slot);

    const std::size_t max_;
    std::mutex mutex_;
    std::map<std::string, Host> hosts_;
};

} // namespace proxflow
