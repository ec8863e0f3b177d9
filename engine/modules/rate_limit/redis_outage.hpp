#pragma once
// A distributed zone's view of its Redis: every failed sync or decision is counted, and an outage is
// logged once when it starts and once when Redis answers again, however many requests meet it.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace proxflow::rate_limit {

class RedisOutage {
public:
    // errors: the zone's counter of Redis failures (null: not counted), kept alive by this, since a
    // sync may finish after its config is gone; fail_closed words the log line.
    RedisOutage(std::string zone, std::string address, bool fail_closed, std::shared_ptr<std::atomic<std::uint64_t>> errors)
        : zone_(std::move(zone)), address_(std::move(address)), fail_closed_(fail_closed), errors_(errors) {}

    // Any thread.
    void failed(const std::string& error);
    void succeeded();
    bool down() const { return down_.load(std::memory_order_relaxed); }

private:
    const std::string zone_, address_;
    const bool fail_closed_;
    std::shared_ptr<std::atomic<std::uint64_t>> errors_;
    std::atomic<bool> down_{false};
};

} // namespace proxflow::rate_limit
