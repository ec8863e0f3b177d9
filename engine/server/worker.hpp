#pragma once
#include "metrics/thread_metrics.hpp"
#include "module/thread_state.hpp"
#include "server/runtime.hpp"

#include <atomic>
#include <limits>
#include <map>
#include <memory>
#include <thread>
#include <unordered_set>

namespace proxflow {

// A client connection as its worker sees it, so shutdown can close the idle ones.
struct ClientConnection {
    beast::tcp_stream* stream;
    bool idle = true;
    // While idle: when the worker's sweep closes it (idle or first-header timeout).
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

// One engine thread: its event loop, its modules' state (upstream connection pools), its view of the current config
// and its acceptors. Everything here is touched only from this worker's thread.
class Worker {
public:
    Worker() = default;
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    // Declared before io: coroutine frames destroyed with io still unregister themselves here.
    std::unordered_set<ClientConnection*> connections;
    // One thread runs it and every socket operation starts on that thread, so the reactor's
    // per-socket locks can go (posting from other threads stays safe).
    asio::io_context io{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
    ThreadStates thread_state;
    metrics::ThreadMetrics metrics;
    std::shared_ptr<const Runtime> runtime;
    // Counts the configs `runtime` has held, so what was looked up in one is known to be stale.
    std::uint64_t runtime_generation = 0;
    std::map<std::string, std::shared_ptr<tcp::acceptor>> acceptors;
    bool draining = false;
    std::thread thread;
    // Every worker of the engine, this one included; set before any accepts.
    std::vector<Worker*> peers;
    // Client connections handed to this worker and not closed yet (read by every peer's acceptor).
    std::atomic<long> assigned{0};
    // The most client connections all workers together keep open (server/connection_cap.hpp).
    long connection_cap = std::numeric_limits<long>::max();

    void start_accepting(const std::string& key, std::shared_ptr<tcp::acceptor> acceptor);
    // Serves an accepted client on the worker with the fewest connections: the kernel spreads
    // SO_REUSEPORT connections by a hash, and 64 keep-alive connections often land 40 to 24.
    void hand_off(tcp::socket socket, const std::string& listener_key);
    void close_idle_connections();
    // Whether one more client connection may be served: the engine is under its cap, or this
    // worker closed its longest-idle connection to make room (as nginx reuses idle keep-alive
    // connections when it runs out); false when nothing here can go.
    bool make_room();
    // Once a second, closes idle client connections past their deadline and ticks the modules' state.
    void start_sweeping();

private:
    void serve(tcp::socket socket, const std::string& listener_key);
    asio::steady_timer sweep_timer_{io};
};

} // namespace proxflow
