#include "metrics/thread_metrics.hpp"

namespace proxflow::metrics {

void ThreadMetrics::request_finished(unsigned status, std::chrono::nanoseconds latency, std::uint64_t bytes_in,
                                     std::uint64_t bytes_out, int country_slot) {
    const auto micros = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(latency).count());
    requests_.add();
    bytes_in_.add(bytes_in);
    bytes_out_.add(bytes_out);
    const int cls = status >= 100 && status < 600 ? static_cast<int>(status / 100) - 1 : 4;
    status_classes_[cls].add();
    latency_.record(micros);

    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    Second& slot = seconds_[now % history_seconds];
    if (slot.unix_second.load(std::memory_order_relaxed) != now) {
        // First request of a new second in this slot: forget what it held 300 s ago. Readers skip a
        // slot whose second is not the one they want, so mark it invalid while clearing.
        slot.unix_second.store(-1, std::memory_order_release);
        slot.requests.set(0);
        slot.errors.set(0);
        slot.latency.reset();
        slot.unix_second.store(now, std::memory_order_release);
    }
    slot.requests.add();
    if (status >= 500) slot.errors.add();
    slot.latency.record(micros);

    if (country_slot >= 0 && country_slot < country_slots) {
        country_requests_[country_slot].add();
        country_latency_us_[country_slot].add(micros);
    }
}

} // namespace proxflow::metrics
