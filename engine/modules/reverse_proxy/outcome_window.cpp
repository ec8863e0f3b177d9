#include "modules/reverse_proxy/outcome_window.hpp"

#include <algorithm>

namespace proxflow {

void OutcomeWindow::set_length(std::chrono::nanoseconds length) {
    const std::int64_t bucket = std::max<std::int64_t>(1, length.count() / bucket_count);
    if (bucket_ns_.exchange(bucket, std::memory_order_relaxed) != bucket) clear();
}

std::int64_t OutcomeWindow::slot_of(Clock::time_point now) const {
    return now.time_since_epoch().count() / bucket_ns_.load(std::memory_order_relaxed);
}

void OutcomeWindow::record(bool failed, Clock::time_point now) {
    const std::int64_t slot = slot_of(now);
    Bucket& b = buckets_[static_cast<std::size_t>(slot % bucket_count)];
    if (b.slot.load(std::memory_order_acquire) != slot) {
        std::lock_guard lock(reset_mutex_);
        if (b.slot.load(std::memory_order_relaxed) != slot) {
            b.attempts.store(0, std::memory_order_relaxed);
            b.failures.store(0, std::memory_order_relaxed);
            b.slot.store(slot, std::memory_order_release);
        }
    }
    b.attempts.fetch_add(1, std::memory_order_relaxed);
    if (failed) b.failures.fetch_add(1, std::memory_order_relaxed);
}

OutcomeWindow::Totals OutcomeWindow::totals(Clock::time_point now) const {
    const std::int64_t current = slot_of(now);
    Totals t;
    for (const Bucket& b : buckets_) {
        const std::int64_t slot = b.slot.load(std::memory_order_acquire);
        if (slot > current - bucket_count && slot <= current) {
            t.attempts += b.attempts.load(std::memory_order_relaxed);
            t.failures += b.failures.load(std::memory_order_relaxed);
        }
    }
    return t;
}

void OutcomeWindow::clear() {
    std::lock_guard lock(reset_mutex_);
    for (Bucket& b : buckets_) b.slot.store(-1, std::memory_order_release);
}

} // namespace proxflow
