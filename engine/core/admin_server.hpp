#pragma once
#include "server/runtime.hpp"

#include <memory>
#include <mutex>

namespace proxflow {

class Engine;

// Caddy's admin API on its own listener (default localhost:2019): /config/[path] with GET, POST,
// PUT, PATCH and DELETE, POST /load (JSON or text/caddyfile), POST /stop, GET /reverse_proxy/upstreams.
// Requests whose Host or Origin is not the admin address are refused (DNS-rebinding protection).
class AdminServer {
public:
    AdminServer(Engine& engine, asio::io_context& io);
    ~AdminServer();

    // Binds the new admin address when it differs from the previous settings; throws ConfigError
    // (path "admin.listen") when it cannot.
    void configure(const AdminSettings& settings, const AdminSettings* previous);
    void stop();

    struct Listener;

private:
    Engine& engine_;
    asio::io_context& io_;
    std::mutex mutex_;
    std::shared_ptr<Listener> listener_;
};

} // namespace proxflow
