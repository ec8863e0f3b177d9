#include "modules/rate_limit/redis_outage.hpp"

#include "logging/log_line.hpp"

namespace proxflow::rate_limit {

void RedisOutage::failed(const std::string& error) {
    if (errors_) errors_->fetch_add(1, std::memory_order_relaxed);
    if (down_.exchange(true)) return;
    log_line("error", "http.handlers.rate_limit",
             fail_closed_ ? "redis unavailable: requests are refused until it is back"
                          : "redis unavailable: this process limits on its own until it is back",
             {{"zone", zone_}, {"redis", address_}, {"error", error}});
}

void RedisOutage::succeeded() {
    if (!down_.load(std::memory_order_relaxed) || !down_.exchange(false)) return;
    log_line("info", "http.handlers.rate_limit", "redis available again: the limit is shared again", {{"zone", zone_}, {"redis", address_}});
}

} // namespace proxflow::rate_limit
