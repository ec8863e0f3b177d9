#include "metrics/thread_metrics.hpp"

namespace proxflow::metrics {

std::int64_t system_unix_second() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void ThreadMetrics::request_finished(unsigned status, std::chrono::nanoseconds latency, std::uint64_t bytes_in,
                                     std::uint64_t bytes_out, int country_slot) {
    const auto micros = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(latency).count());
    totals_.record(status, micros);
    bytes_in_.add(bytes_in);
    bytes_out_.add(bytes_out);

    const std::int64_t now = clock_();
    Second& slot = seconds_[static_cast<std::size_t>(now % history_seconds)];
    if (slot.unix_second.load(std::memory_order_relaxed) != now) {
        // First request of a new second in this slot: forget what it held 300 s ago. -1 first, and
        // the fence orders it before the clearing stores, so a reader that saw any of them sees -1
        // (or the new second) when it checks again.
        slot.unix_second.store(-1, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_release);
        slot.requests.set(0);
        slot.errors.set(0);
        slot.latency.reset();
        slot.unix_second.store(now, std::memory_order_release);
    }
    slot.requests.add();
    if (status >= 500) slot.errors.add();
    slot.latency.record(micros);

    if (country_slot >= 0 && country_slot < country_slots) {
        country_requests_[static_cast<std::size_t>(country_slot)].add();
        country_latency_us_[static_cast<std::size_t>(country_slot)].add(micros);
    }
}

bool ThreadMetrics::read_second(std::int64_t unix_second, SecondCounts& counts, HistogramCounts& histogram) const {
    if (unix_second < 0) return false;
    const Second& slot = seconds_[static_cast<std::size_t>(unix_second % history_seconds)];
    if (slot.unix_second.load(std::memory_order_acquire) != unix_second) return false;
    SecondCounts read{slot.requests.get(), slot.errors.get()};
    HistogramCounts copy;
    if (read.requests) copy.add(slot.latency);
    // The sequence check: if the writer began reusing the slot while we copied, it is -1 or newer.
    std::atomic_thread_fence(std::memory_order_acquire);
    if (slot.unix_second.load(std::memory_order_relaxed) != unix_second) return false;
    counts.requests += read.requests;
    counts.errors += read.errors;
    if (read.requests) histogram.add(copy);
    return true;
}

} // namespace proxflow::metrics
