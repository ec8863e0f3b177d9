#pragma once
#include "config/object_reader.hpp"
#include "metrics/server_metrics.hpp"
#include "metrics/traffic_metrics_config.hpp"
#include "module/build_context.hpp"
#include "routing/server_runtime.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace proxflow {

namespace tls {
class TlsApp;
}

struct AdminSettings {
    bool disabled = false;
    std::string listen = "localhost:2019";
    std::vector<std::string> origins;  // extra allowed Host/Origin values
    bool enforce_origin = false;
};

// A whole validated config, built into runtime objects. Immutable once built; each engine thread
// holds a shared_ptr to the current one, and a request keeps the one it started with.
struct Runtime {
    json config;
    AdminSettings admin;
    std::vector<std::shared_ptr<ServerRuntime>> servers;
    std::map<std::string, const ServerRuntime*> by_listener; // ListenAddress::key() -> server
    std::vector<std::shared_ptr<BackgroundTask>> tasks;
    std::chrono::nanoseconds grace_period{std::chrono::seconds(10)};
    // How long a stop keeps serving, with {http.shutting_down} true, before it drains (Caddy's shutdown_delay).
    std::chrono::nanoseconds shutdown_delay{};
    std::shared_ptr<tls::TlsApp> tls; // certificates and their automation (null without apps)
    // What each module app (apps.<name>, module/module.hpp AppSpec) built, by name; traffic is the
    // traffic_metrics app, which every request reads.
    std::map<std::string, std::shared_ptr<const void>> apps;
    std::shared_ptr<const TrafficMetricsConfig> traffic = std::make_shared<TrafficMetricsConfig>();

    const ServerRuntime* server_for(const std::string& listener_key) const {
        auto it = by_listener.find(listener_key);
        return it == by_listener.end() ? nullptr : it->second;
    }

    // Validates and builds; throws ConfigError naming the JSON path of the first problem.
    // servers: where per-server counters live across reloads (null: counters of this build only).
    // snapshots: how live views (the traffic dashboard) read the engine's metrics (empty: none).
    static std::shared_ptr<Runtime> build(const json& config, UsagePool& state, asio::io_context& background,
                                          metrics::ServerMetricsRegistry* servers = nullptr, SnapshotSource snapshots = {});
};

} // namespace proxflow
