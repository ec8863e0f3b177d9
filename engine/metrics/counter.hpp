#pragma once
#include <atomic>
#include <cstdint>

namespace proxflow::metrics {

// A counter with one writing thread: increments are a plain load and store (no lock prefix),
// readers on other threads see a recent value.
class OwnedCounter {
public:
    void add(std::uint64_t n = 1) { value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
    void set(std::uint64_t v) { value_.store(v, std::memory_order_relaxed); }
    std::uint64_t get() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

} // namespace proxflow::metrics
