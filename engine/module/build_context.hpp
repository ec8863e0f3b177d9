#pragma once
#include "http/beast.hpp"
#include "metrics/snapshot.hpp"
#include "module/usage_pool.hpp"

#include <functional>
#include <map>
#include <string>
#include <memory>
#include <vector>

namespace proxflow {


// Takes a metrics snapshot (with or without the 5-minute series).
using SnapshotSource = std::function<metrics::Snapshot(bool with_series)>;

// A task that runs beside request handling while its config is live (active health checks).
class BackgroundTask {
public:
    virtual ~BackgroundTask() = default;
    virtual void start() = 0;
    virtual void stop() = 0;
};

// What handler factories may use while a config is being built. Nothing here runs until the
// config is committed: background tasks are started by the engine after the swap.
class BuildContext {
public:
    BuildContext(UsagePool& state, asio::io_context& background, SnapshotSource snapshots)
        : state(state), background(background), snapshots(std::move(snapshots)) {}

    UsagePool& state; // what modules keep across reloads (upstream health, metric families ...)
    asio::io_context& background;
    SnapshotSource snapshots;
    std::vector<std::shared_ptr<BackgroundTask>> tasks;
    // Above zero while the routes of a reverse_proxy's handle_response are built.
    int handle_response_depth = 0;

    // A name for what the config leaves unnamed, by its position among its kind in this config
    // (rate_limit0, rate_limit1 ...), as Caddy names servers srv0, srv1: stable while the config is.
    std::string name_by_position(const std::string& kind) { return kind + std::to_string(positions_[kind]++); }

private:
    std::map<std::string, int> positions_;
};

} // namespace proxflow
