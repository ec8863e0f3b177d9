#include "core/worker.hpp"

#include "http/client_connection.hpp"

namespace proxflow {
namespace {

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
        asio::co_spawn(worker.io, serve_client(worker, std::move(socket), key), asio::detached);
    }
}

} // namespace

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
        pool.close_expired(now);
        start_sweeping();
    });
}

void Worker::close_idle_connections() {
    for (ClientConnection* conn : connections) {
        if (!conn->idle) continue;
        error_code ignored;
        conn->stream->socket().cancel(ignored);
    }
}

} // namespace proxflow
