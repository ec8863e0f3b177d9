#pragma once
// At most `burst` events in any `interval` (on_demand.rate_limit), counted over a sliding window.
#include <chrono>
#include <deque>

namespace proxflow::tls {

class RateWindow {
public:
    RateWindow(std::chrono::nanoseconds interval = {}, int burst = 0) : interval_(interval), burst_(burst) {}

    // Records the event and returns true when it fits; false (and nothing recorded) when it does not.
    bool allow(std::chrono::steady_clock::time_point now) {
        if (interval_.count() <= 0 || burst_ <= 0) return true;
        while (!events_.empty() && now - events_.front() >= interval_) events_.pop_front();
        if (static_cast<int>(events_.size()) >= burst_) return false;
        events_.push_back(now);
        return true;
    }

private:
    std::chrono::nanoseconds interval_;
    int burst_;
    std::deque<std::chrono::steady_clock::time_point> events_;
};

} // namespace proxflow::tls
