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

// Counters of servers and of their top-level routes, by name, kept across reloads.
class ServerMetricsRegistry {
public:
    std::shared_ptr<ServerMetrics> server(const std::string& name) { return get(servers_, name); }
    // name: "srv0 routes[2]".
    std::shared_ptr<ServerMetrics> route(const std::string& name) { return get(routes_, name); }
    std::vector<std::shared_ptr<ServerMetrics>> servers() const { return all(servers_); }
    std::vector<std::shared_ptr<ServerMetrics>> routes() const { return all(routes_); }

private:
    using Map = std::map<std::string, std::shared_ptr<ServerMetrics>>;
    std::shared_ptr<ServerMetrics> get(Map& map, const std::string& name) {
        std::lock_guard lock(mutex_);
        auto& slot = map[name];
        if (!slot) slot = std::make_shared<ServerMetrics>(name);
        return slot;
    }
    std::vector<std::shared_ptr<ServerMetrics>> all(const Map& map) const {
        std::lock_guard lock(mutex_);
        std::vector<std::shared_ptr<ServerMetrics>> out;
        for (const auto& [name, m] : map) out.push_back(m);
        return out;
    }
    mutable std::mutex mutex_;
    Map servers_, routes_;
};

} // namespace proxflow::metrics
