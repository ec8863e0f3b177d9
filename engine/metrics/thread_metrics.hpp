#pragma once
#include "metrics/counter.hpp"
#include "metrics/latency_histogram.hpp"
#include "metrics/request_counters.hpp"

#include <array>
#include <chrono>
#include <memory>

namespace proxflow::metrics {

// The unix second now; injectable so tests decide which second a request falls in.
using UnixSecondClock = std::int64_t (*)();
std::int64_t system_unix_second();

// The counters of one engine thread. Only that thread writes; snapshots read concurrently.
class ThreadMetrics {
public:
    explicit ThreadMetrics(UnixSecondClock clock = system_unix_second) : clock_(clock) {}

    static constexpr int history_seconds = 300;
    // Country slots: "AA".."ZZ" as 26*26, then local and unknown.
    static constexpr int country_local = 26 * 26;
    static constexpr int country_unknown = country_local + 1;
    static constexpr int country_slots = country_unknown + 1;

    void connection_opened() { active_connections_.add(1); }
    void connection_closed() { closed_connections_.add(1); }
    void connection_refused() { refused_connections_.add(1); }
    void request_started() { started_requests_.add(1); }
    void request_finished(unsigned status, std::chrono::nanoseconds latency, std::uint64_t bytes_in,
                          std::uint64_t bytes_out, int country_slot);

    // One second of the history. unix_second is -1 while the writer clears the slot for a new
    // second, and brackets a reader's copy as a sequence lock does (see read_second).
    struct Second {
        std::atomic<std::int64_t> unix_second{-1};
        OwnedCounter requests, errors;
        SecondHistogram latency;
    };
    struct SecondCounts {
        std::uint64_t requests = 0, errors = 0;
    };

    // Read side (any thread).
    std::uint64_t requests() const { return totals_.requests.get(); }
    std::uint64_t status_class(int i) const { return totals_.status_classes[static_cast<std::size_t>(i)].get(); }
    std::uint64_t bytes_in() const { return bytes_in_.get(); }
    std::uint64_t bytes_out() const { return bytes_out_.get(); }
    std::int64_t active_connections() const {
        return static_cast<std::int64_t>(active_connections_.get()) - static_cast<std::int64_t>(closed_connections_.get());
    }
    std::uint64_t refused_connections() const { return refused_connections_.get(); }
    std::int64_t active_requests() const {
        return static_cast<std::int64_t>(started_requests_.get()) - static_cast<std::int64_t>(totals_.requests.get());
    }
    const LatencyHistogram& latency() const { return totals_.latency; }
    // Adds second `unix_second` to counts and histogram when this thread's history still holds it
    // whole; false (and nothing added) when the slot holds another second or was being reused.
    bool read_second(std::int64_t unix_second, SecondCounts& counts, HistogramCounts& histogram) const;
    std::uint64_t country_requests(int slot) const { return country_requests_[slot].get(); }
    std::uint64_t country_latency_us(int slot) const { return country_latency_us_[slot].get(); }

private:
    UnixSecondClock clock_;
    RequestCounters totals_;
    OwnedCounter bytes_in_, bytes_out_;
    OwnedCounter active_connections_, closed_connections_, refused_connections_, started_requests_;
    std::array<Second, history_seconds> seconds_;
    std::array<OwnedCounter, country_slots> country_requests_, country_latency_us_;
};

} // namespace proxflow::metrics
