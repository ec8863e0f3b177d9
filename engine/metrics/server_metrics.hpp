#pragma once
#include "metrics/latency_histogram.hpp"

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace proxflow::metrics {

// Counters of one `apps.http.servers.<name>`, shared by every thread that serves it and kept across
// reloads by name, so Prometheus counters never go backwards on a config change.
struct ServerMetrics {
    explicit ServerMetrics(std::string name) : name(std::move(name)) {}
    const std::string name;
    std::atomic<std::uint64_t> requests{0};
    std::array<std::atomic<std::uint64_t>, 5> status_classes{};
    LatencyHistogram latency;

    void record(unsigned status, std::uint64_t micros) {
        requests.fetch_add(1, std::memory_order_relaxed);
        const int cls = status >= 100 && status < 600 ? static_cast<int>(status / 100) - 1 : 4;
        status_classes[cls].fetch_add(1, std::memory_order_relaxed);
        latency.record_shared(micros);
    }
};

class ServerMetricsRegistry {
public:
    std::shared_ptr<ServerMetrics> get(const std::string& name) {
        std::lock_guard lock(mutex_);
        auto& slot = servers_[name];
        if (!slot) slot = std::make_shared<ServerMetrics>(name);
        return slot;
    }
    std::vector<std::shared_ptr<ServerMetrics>> all() const {
        std::lock_guard lock(mutex_);
        std::vector<std::shared_ptr<ServerMetrics>> out;
        for (const auto& [name, m] : servers_) out.push_back(m);
        return out;
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<ServerMetrics>> servers_;
};

} // namespace proxflow::metrics
