#pragma once
#include "metrics/counter.hpp"
#include "metrics/latency_histogram.hpp"
#include "metrics/snapshot.hpp"

#include <array>

namespace proxflow::metrics {

// What one thread has counted of a stream of requests: how many, by status class, and their
// latency. A worker's totals, one shard of a server's or a route's counters, and (with failures)
// one shard of an upstream's are all this.
struct alignas(64) RequestCounters {
    OwnedCounter requests;
    std::array<OwnedCounter, 5> status_classes; // [0] = 1xx ... [4] = 5xx (and anything out of range)
    LatencyHistogram latency;

    static int status_class_of(unsigned status) { return status >= 100 && status < 600 ? static_cast<int>(status / 100) - 1 : 4; }
    void record(unsigned status, std::uint64_t micros) {
        requests.add();
        status_classes[static_cast<std::size_t>(status_class_of(status))].add();
        latency.record(micros);
    }
    void add_to(ServerStats& stats) const {
        stats.requests += requests.get();
        for (std::size_t i = 0; i < 5; ++i) stats.status_classes[i] += status_classes[i].get();
        stats.latency.add(latency);
    }
};

// An upstream's shard: responses received (status class of the upstream's answer, time to its
// header) and failed attempts.
struct UpstreamCounters : RequestCounters {
    OwnedCounter failures;
};

} // namespace proxflow::metrics
