#pragma once
// One upstream's load as the adaptive policy sees it: the time to the response header of the
// attempts in the current interval, the means of the last intervals, and the prediction and
// weight made from them at the last update. Kept with the upstream's shared state (UpstreamHost).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>

namespace proxflow {

struct LoadHistory {
    std::atomic<int> watchers{0}; // upstreams of running configs an adaptive policy balances
    std::atomic<std::uint64_t> interval_attempts{0};
    std::atomic<std::uint64_t> interval_micros{0};
    std::atomic<double> predicted_ms{-1}; // -1: no interval with traffic yet
    std::atomic<double> weight{-1};       // share of new requests at the last update
    std::mutex mutex;                     // guards means_ms, used at updates only
    std::deque<double> means_ms;          // oldest first

    void record(std::chrono::nanoseconds latency) {
        interval_attempts.fetch_add(1, std::memory_order_relaxed);
        interval_micros.fetch_add(static_cast<std::uint64_t>(latency.count() / 1000), std::memory_order_relaxed);
    }
};

} // namespace proxflow
