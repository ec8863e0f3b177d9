#include "routing/shutdown_notice.hpp"

#include <atomic>

namespace proxflow {
namespace {

// Nanoseconds of the steady clock; 0: no stop announced. One engine runs in a process.
std::atomic<std::int64_t> shutdown_at{0};

} // namespace

void announce_shutdown(std::chrono::steady_clock::time_point at) {
    shutdown_at.store(std::max<std::int64_t>(1, at.time_since_epoch().count()), std::memory_order_relaxed);
}

std::optional<std::chrono::steady_clock::time_point> announced_shutdown() {
    const auto at = shutdown_at.load(std::memory_order_relaxed);
    if (at == 0) return std::nullopt;
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(at));
}

} // namespace proxflow
