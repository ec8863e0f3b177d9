#pragma once
#include "config/object_reader.hpp"
#include "metrics/server_metrics.hpp"
#include "metrics/snapshot.hpp"
#include "module/usage_pool.hpp"
#include "server/runtime.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace proxflow {

class Worker;
class AdminServer;

struct EngineOptions {
    unsigned threads = 0; // 0: one event loop per core
    long max_connections = 0; // client connections open at once; 0: default_connection_cap()
};

// The proxy engine: a group of worker threads serving the current config. load() validates a new
// config, binds any new listeners, and swaps it in without dropping a request; a rejected config
// leaves the running one untouched. Thread-safe: the console, the admin API and signals call it.
class Engine {
public:
    explicit Engine(EngineOptions options = {});
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Throws ConfigError (with a JSON path) when the config is invalid or a listener cannot bind.
    void load(const json& config);
    json config() const;

    // Graceful stop: no new connections, idle ones closed, in-flight requests finish (up to the
    // grace period). Returns at once; wait() blocks until done.
    void stop();
    void wait();
    bool stopped() const;

    // Traffic counters merged across worker threads without stopping them; callable from any thread
    // (the console calls it from its own), and no engine lock is held while the copy is made.
    metrics::Snapshot metrics_snapshot(bool with_series = true) const;

    // The live state a module shows at admin_path (GET /reverse_proxy/upstreams: every upstream
    // host the running config knows); null when no module has that path.
    json module_status(std::string_view admin_path) const;

private:
    void apply_listeners(const std::shared_ptr<Runtime>& runtime);
    void shutdown_workers();

    EngineOptions options_;
    // Declared before the workers: a worker holds its last runtime until the workers go, and what that
    // runtime built on the background io_context (tasks' timers, Redis clients) must go before it does.
    asio::io_context background_{1};
    std::vector<std::unique_ptr<Worker>> workers_;
    std::thread background_thread_;
    std::thread shutdown_thread_;
    std::unique_ptr<AdminServer> admin_;
    UsagePool state_; // modules' state across reloads
    metrics::ServerMetricsRegistry server_metrics_;

    mutable std::mutex mutex_; // serialises load/stop; never taken on the request path
    std::shared_ptr<Runtime> current_;
    bool stopping_ = false;
    bool stopped_ = false;
    std::condition_variable stopped_cv_;
};

} // namespace proxflow
