#pragma once
#include "module/build_context.hpp"

#include <atomic>
#include <chrono>
#include <memory>

namespace proxflow {

// A background task that works in rounds on the background io_context until it is stopped: a
// round, then a wait until the time the round names. stop() may come from any thread; it wakes
// the wait, and a long round checks stopped() between its steps.
class PeriodicTask : public BackgroundTask, public std::enable_shared_from_this<PeriodicTask> {
public:
    explicit PeriodicTask(asio::io_context& io) : io_(io), timer_(io) {}

    void start() final { asio::co_spawn(io_, run(shared_from_this()), asio::detached); }
    void stop() final {
        stopped_ = true;
        asio::post(io_, [self = shared_from_this()] { self->timer_.cancel(); });
    }

protected:
    bool stopped() const { return stopped_; }
    // One round of the work; returns when the next one is due. The task is kept alive meanwhile.
    virtual awaitable<std::chrono::steady_clock::time_point> round() = 0;

    asio::io_context& io_;

private:
    static awaitable<void> run(std::shared_ptr<PeriodicTask> self) {
        while (!self->stopped_) {
            const auto next = co_await self->round();
            if (self->stopped_) co_return;
            self->timer_.expires_at(next);
            co_await self->timer_.async_wait(use_nothrow);
        }
    }

    asio::steady_timer timer_;
    std::atomic<bool> stopped_{false};
};

} // namespace proxflow
