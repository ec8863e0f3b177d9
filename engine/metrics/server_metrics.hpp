#pragma once
#include "metrics/request_counters.hpp"
#include "metrics/thread_shards.hpp"

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace proxflow::metrics {

// Counters of one `apps.http.servers.<name>` (or one of its top-level routes), kept across reloads
// by name so Prometheus counters never go backwards on a config change. Every thread that serves it
// records into its own shard; stats() sums them without stopping anyone.
struct ServerMetrics {
    explicit ServerMetrics(std::string name) : name(std::move(name)) {}
    const std::string name;

    void record(unsigned status, std::uint64_t micros) { shards_.local().record(status, micros); }
    ServerStats stats() const {
        ServerStats out;
        out.name = name;
        shards_.for_each([&](const RequestCounters& shard) { shard.add_to(out); });
        out.tls_handshake_failures = tls_handshake_failures.load(std::memory_order_relaxed);
        return out;
    }

    // Failures are rare next to requests: one shared counter is cheap enough.
    std::atomic<std::uint64_t> tls_handshake_failures{0};

private:
    ThreadShards<RequestCounters> shards_;
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
