#pragma once
#include "http/beast.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace proxflow {

class UpstreamHostRegistry;

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
    BuildContext(UpstreamHostRegistry& hosts, asio::io_context& background) : hosts(hosts), background(background) {}

    UpstreamHostRegistry& hosts;
    asio::io_context& background;
    std::vector<std::shared_ptr<BackgroundTask>> tasks;
};

} // namespace proxflow
