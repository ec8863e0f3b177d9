#include "modules/reverse_proxy/upstream_dialer.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace proxflow {
namespace {

struct Lookup {
    std::vector<asio::ip::address> addresses;
    std::string error;
};

awaitable<Lookup> lookup_there(std::string name, const DnsServers& dns) {
    Lookup found;
    found.addresses = lookup_addresses(name, dns, found.error);
    co_return found;
}

// Two connection attempts, one per address family, of which the first to connect wins.
struct Race {
    explicit Race(const asio::any_io_executor& ex) : sockets{tcp::socket(ex), tcp::socket(ex)}, finished(ex), fallback_start(ex) {}
    std::array<tcp::socket, 2> sockets; // [0]: the first family's attempt, [1]: the fallback
    asio::steady_timer finished;       // cancelled once an attempt connected or both gave up
    asio::steady_timer fallback_start; // cancelled early when the first family fails
    std::optional<std::size_t> winner;
    bool over = false;
    int running = 2;
};

awaitable<void> attempt(std::shared_ptr<Race> race, std::size_t which, std::vector<tcp::endpoint> endpoints) {
    if (which == 1) co_await race->fallback_start.async_wait(use_nothrow);
    auto& socket = race->sockets[which];
    for (const auto& endpoint : endpoints) {
        if (race->over) break;
        error_code ignored;
        socket.close(ignored);
        auto [ec] = co_await socket.async_connect(endpoint, use_nothrow);
        if (race->over) break;
        if (!ec) {
            race->winner = which;
            race->over = true;
            race->finished.cancel();
            co_return;
        }
    }
    if (which == 0) race->fallback_start.cancel();
    if (--race->running == 0) {
        race->over = true;
        race->finished.cancel();
    }
}

} // namespace

UpstreamDialer::UpstreamDialer(const UpstreamTransport& transport) : transport_(transport) {
    if (!transport_.resolver.servers.empty()) lookups_ = std::make_unique<asio::thread_pool>(1);
}

UpstreamDialer::~UpstreamDialer() {
    if (lookups_) lookups_->join();
}

awaitable<std::unique_ptr<UpstreamConnection>> UpstreamDialer::dial(const Upstream& up, const asio::any_io_executor& ex) const {
    auto conn = std::make_unique<UpstreamConnection>(ex, transport_.read_buffer_size);
    conn->stream.expires_after(transport_.dial_timeout);
    if (up.endpoint) {
        auto [ec] = co_await conn->stream.async_connect(*up.endpoint, use_nothrow);
        if (ec) co_return nullptr;
    } else if (!co_await connect(*conn, co_await resolve(up, ex))) {
        co_return nullptr;
    }
    error_code ignored;
    conn->stream.socket().set_option(tcp::no_delay(true), ignored);
    conn->stream.socket().non_blocking(true, ignored); // relays write to it directly (proxy/relay.hpp)
    co_return conn;
}

awaitable<std::vector<tcp::endpoint>> UpstreamDialer::resolve(const Upstream& up, const asio::any_io_executor& ex) const {
    std::vector<tcp::endpoint> endpoints;
    if (!lookups_) {
        tcp::resolver resolver(ex);
        auto [ec, results] = co_await resolver.async_resolve(up.hostname, up.port, use_nothrow);
        if (!ec)
            for (const auto& entry : results) endpoints.push_back(entry.endpoint());
        co_return endpoints;
    }
    auto [exception, found] = co_await asio::co_spawn(lookups_->get_executor(), lookup_there(up.hostname, transport_.resolver), use_nothrow);
    if (exception) co_return endpoints;
    const auto port = static_cast<unsigned short>(std::stoul(up.port));
    for (const auto& address : found.addresses) endpoints.emplace_back(address, port);
    // IPv6 first, as RFC 6724's default policy (and Go's resolver) order them; getaddrinfo has
    // ordered the system's answers already.
    std::stable_partition(endpoints.begin(), endpoints.end(), [](const tcp::endpoint& e) { return e.address().is_v6(); });
    co_return endpoints;
}

awaitable<bool> UpstreamDialer::connect(UpstreamConnection& conn, std::vector<tcp::endpoint> endpoints) const {
    if (endpoints.empty()) co_return false;
    // Go's partition: the first address's family goes first, the other is the fallback.
    const bool first_v6 = endpoints.front().address().is_v6();
    const auto split = std::stable_partition(endpoints.begin(), endpoints.end(),
                                             [&](const tcp::endpoint& e) { return e.address().is_v6() == first_v6; });
    if (split == endpoints.end() || transport_.dial_fallback_delay.count() < 0) {
        auto [ec, endpoint] = co_await conn.stream.async_connect(endpoints, use_nothrow);
        co_return !ec;
    }
    const auto ex = conn.stream.get_executor();
    auto race = std::make_shared<Race>(ex);
    if (transport_.dial_timeout.count() > 0) race->finished.expires_after(transport_.dial_timeout);
    else race->finished.expires_at(asio::steady_timer::time_point::max());
    race->fallback_start.expires_after(transport_.dial_fallback_delay);
    asio::co_spawn(ex, attempt(race, 0, std::vector<tcp::endpoint>(endpoints.begin(), split)), asio::detached);
    asio::co_spawn(ex, attempt(race, 1, std::vector<tcp::endpoint>(split, endpoints.end())), asio::detached);
    if (!race->over) co_await race->finished.async_wait(use_nothrow);
    race->over = true;
    race->fallback_start.cancel();
    // The loser's connect (or the wait for its turn) ends with its socket closed.
    error_code ignored;
    for (std::size_t i = 0; i < race->sockets.size(); ++i)
        if (race->winner != i) race->sockets[i].close(ignored);
    if (!race->winner) co_return false;
    conn.stream.socket() = std::move(race->sockets[*race->winner]);
    co_return true;
}

} // namespace proxflow
