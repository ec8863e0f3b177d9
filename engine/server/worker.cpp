#include "server/worker.hpp"

#include "logging/log_line.hpp"
#include "server/client_connection.hpp"

#include <unistd.h>

namespace proxflow {
namespace {

// One line when the cap is first reached and at most one every ten seconds while it holds, with the
// count refused meanwhile: a flood must not become a flood of log lines.
void report_connection_cap(long cap) {
    static std::atomic<long> refused{0};
    static std::atomic<std::int64_t> last_report{0};
    const long count = refused.fetch_add(1, std::memory_order_relaxed) + 1;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    std::int64_t last = last_report.load(std::memory_order_relaxed);
    if (last != 0 && now - last < 10) return;
    if (!last_report.compare_exchange_strong(last, now, std::memory_order_relaxed)) return;
    refused.fetch_sub(count, std::memory_order_relaxed);
    log_line("warn", "http", "client connection cap reached: closing new connections until some close",
             {{"cap", cap}, {"refused", count}, {"hint", "raise the descriptor limit (ulimit -n, LimitNOFILE) to raise the cap"}});
}

awaitable<void> accept_loop(Worker& worker, std::string key, std::shared_ptr<tcp::acceptor> acceptor) {
    for (;;) {
        auto [ec, socket] = co_await acceptor->async_accept(use_nothrow);
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
        if (ec) {
            // Out of descriptors or a transient error: back off briefly instead of spinning.
            asio::steady_timer pause(worker.io, std::chrono::milliseconds(50));
            co_await pause.async_wait(use_nothrow);
            continue;
        }
        if (!worker.make_room()) {
            worker.metrics.connection_refused();
            report_connection_cap(worker.connection_cap);
            error_code ignored;
            socket.close(ignored);
            continue;
        }
        worker.hand_off(std::move(socket), key);
    }
}

} // namespace

void Worker::hand_off(tcp::socket socket, const std::string& listener_key) {
    Worker* target = this;
    for (Worker* peer : peers)
        if (peer->assigned.load(std::memory_order_relaxed) < target->assigned.load(std::memory_order_relaxed)) target = peer;
    target->assigned.fetch_add(1, std::memory_order_relaxed);
    if (target == this) {
        serve(std::move(socket), listener_key);
        return;
    }
    error_code ec;
    const auto protocol = socket.local_endpoint(ec).protocol();
    const int fd = socket.release(ec);
    if (ec) {
        target->assigned.fetch_sub(1, std::memory_order_relaxed);
        return;
    }
    // Registered with the target's reactor here; it closes itself if the target stops first.
    tcp::socket moved(target->io);
    moved.assign(protocol, fd, ec);
    if (ec) {
        ::close(fd);
        target->assigned.fetch_sub(1, std::memory_order_relaxed);
        return;
    }
    asio::post(target->io, [target, socket = std::move(moved), listener_key]() mutable {
        target->serve(std::move(socket), listener_key);
    });
}

void Worker::serve(tcp::socket socket, const std::string& listener_key) {
    asio::co_spawn(io, serve_client(*this, std::move(socket), listener_key),
                   [this](std::exception_ptr) { assigned.fetch_sub(1, std::memory_order_relaxed); });
}

void Worker::start_accepting(const std::string& key, std::shared_ptr<tcp::acceptor> acceptor) {
    acceptors[key] = acceptor;
    asio::co_spawn(io, accept_loop(*this, key, std::move(acceptor)), asio::detached);
}

void Worker::start_sweeping() {
    sweep_timer_.expires_after(std::chrono::seconds(1));
    sweep_timer_.async_wait([this](error_code ec) {
        if (ec) return;
        const auto now = std::chrono::steady_clock::now();
        for (ClientConnection* conn : connections) {
            if (!conn->idle || conn->deadline > now) continue;
            error_code ignored;
            conn->stream->socket().cancel(ignored);
        }
        thread_state.tick(now);
        start_sweeping();
    });
}

bool Worker::make_room() {
    long open = 0;
    for (const Worker* peer : peers) open += peer->assigned.load(std::memory_order_relaxed);
    if (open < connection_cap) return true;
    // Only connections waiting for a request have a deadline; a TLS handshake or a request in
    // progress is never closed for a newcomer.
    ClientConnection* longest_idle = nullptr;
    for (ClientConnection* conn : connections)
        if (conn->idle && conn->deadline != std::chrono::steady_clock::time_point::max() &&
            (!longest_idle || conn->deadline < longest_idle->deadline))
            longest_idle = conn;
    if (!longest_idle) return false;
    longest_idle->deadline = std::chrono::steady_clock::time_point::max(); // closing: not chosen twice
    error_code ignored;
    longest_idle->stream->socket().cancel(ignored);
    return true;
}

void Worker::close_idle_connections() {
    for (ClientConnection* conn : connections) {
        if (!conn->idle) continue;
        error_code ignored;
        conn->stream->socket().cancel(ignored);
    }
}

} // namespace proxflow
