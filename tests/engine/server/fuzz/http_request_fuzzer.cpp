// The bytes a client sends, through the whole HTTP/1.1 request path: each input is written to a
// fresh loopback connection served by serve_client (the connection loop the engine runs: Beast's
// parser, the Host and Transfer-Encoding checks, routing, handlers, the proxy and the keep-alive
// framing), then half-closed, and the response is read until the server closes. A crash, a
// sanitizer report, an exception escaping serve_client, or a connection still open after the
// deadline (a hang) is a bug.
#include "caddyfile/adapter.hpp"
#include "server/client_connection.hpp"
#include "server/worker.hpp"
#include "sites_caddyfile.hpp"
#include "upstream_stub.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

using namespace proxflow;

// Far above what any input needs on loopback; below libFuzzer's -timeout so a hang is named here.
constexpr auto deadline = std::chrono::seconds(5);

// A directory with a small file and an index, for the file_server route (Range, conditionals);
// removed when the fuzzer exits.
std::string make_site_root() {
    static char dir[] = "/tmp/proxflow-http-fuzz-XXXXXX";
    if (!::mkdtemp(dir)) std::abort();
    std::ofstream(std::string(dir) + "/a.txt") << std::string(100, 'a');
    std::ofstream(std::string(dir) + "/index.html") << "<p>index</p>";
    std::atexit([] {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    });
    return dir;
}

struct Harness {
    asio::io_context background; // never run: the config starts no background tasks
    UsagePool state;
    Worker worker;
    tcp::acceptor listener{worker.io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    // Bound and never listening, so a proxy to it is refused at once (the dead-upstream path).
    tcp::socket dead{worker.io};
    std::string listener_key;

    Harness() {
        dead.open(tcp::v4());
        dead.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        ::setenv("FUZZ_UPSTREAM_PORT", std::to_string(fuzz::start_upstream_stub(worker.io)).c_str(), 1);
        ::setenv("FUZZ_DEAD_PORT", std::to_string(dead.local_endpoint().port()).c_str(), 1);
        ::setenv("FUZZ_ROOT", make_site_root().c_str(), 1);
        auto runtime = Runtime::build(caddyfile::adapt(fuzz::sites_caddyfile, "sites.caddyfile"), state, background);
        listener_key = runtime->by_listener.begin()->first;
        worker.runtime = std::move(runtime);
        worker.runtime_generation = 1;
    }
};

Harness* harness;

// Each connection ends in TIME_WAIT on the client side (it half-closes first), for a minute; from one
// address the ephemeral ports run out after ~28 000 inputs, so the clients take turns over 127.2/16.
tcp::endpoint next_client_address() {
    static std::uint32_t n = 0;
    n = (n + 1) % (256 * 254);
    return {asio::ip::address_v4((127u << 24) | (2u << 16) | ((n / 254) << 8) | (n % 254 + 1)), 0};
}

// Async, as every socket call here: libFuzzer's timers interrupt blocking ones (EINTR).
awaitable<void> serve_one(Harness& h) {
    auto [ec, accepted] = co_await h.listener.async_accept(use_nothrow);
    if (ec) throw boost::system::system_error(ec, "accept");
    co_await serve_client(h.worker, std::move(accepted), h.listener_key);
}

// With PROXFLOW_FUZZ_SHOW=1 the responses go to stderr: to see what a seed reaches.
awaitable<void> read_until_closed(tcp::socket& client) {
    static const bool show = std::getenv("PROXFLOW_FUZZ_SHOW") != nullptr;
    char chunk[16384];
    for (;;) {
        auto [ec, n] = co_await client.async_read_some(asio::buffer(chunk), use_nothrow);
        if (ec) co_return;
        if (show) std::fwrite(chunk, 1, n, stderr);
    }
}

template <class Finished>
awaitable<void> send_input(tcp::socket& client, std::string_view input, Finished finished) {
    auto [ec] = co_await client.async_connect(harness->listener.local_endpoint(), use_nothrow);
    if (ec) throw boost::system::system_error(ec, "connect");
    asio::co_spawn(client.get_executor(), read_until_closed(client), finished);
    std::size_t n;
    std::tie(ec, n) = co_await asio::async_write(client, asio::buffer(input), use_nothrow);
    client.shutdown(tcp::socket::shutdown_send, ec);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    harness = new Harness; // lives as long as the process: pooled upstream connections outlast inputs
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Harness& h = *harness;
    tcp::socket client(h.worker.io);
    client.open(tcp::v4());
    client.bind(next_client_address());

    int running = 3; // the server, the client's writer and its reader
    auto finished = [&running](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                std::fprintf(stderr, "exception escaped serve_client or the harness: %s\n", ex.what());
            }
            std::abort();
        }
        --running;
    };
    asio::co_spawn(h.worker.io, serve_one(h), finished);
    asio::co_spawn(h.worker.io, send_input(client, {reinterpret_cast<const char*>(data), size}, finished), finished);

    const auto until = std::chrono::steady_clock::now() + deadline;
    while (running > 0 && std::chrono::steady_clock::now() < until) {
        if (h.worker.io.stopped()) h.worker.io.restart();
        h.worker.io.run_one_until(until);
    }
    if (running > 0) {
        std::fprintf(stderr, "the connection was still open %lld s after the input was sent\n",
                     static_cast<long long>(deadline.count()));
        std::abort();
    }
    return 0;
}
