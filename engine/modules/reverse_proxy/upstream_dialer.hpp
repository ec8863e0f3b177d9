#pragma once
#include "modules/reverse_proxy/connection_pool.hpp"
#include "modules/reverse_proxy/transport.hpp"
#include "modules/reverse_proxy/upstream.hpp"

#include <memory>

namespace proxflow {

// Opens upstream connections as the transport says: a dial host name is resolved per connection
// (by the transport's resolver when it has one, on a thread of its own), and when it has both IPv6
// and IPv4 addresses the families race (Happy Eyeballs, RFC 6555, as Go's dialer): the first
// family's addresses in turn, the other's from dial_fallback_delay on, or at once when the first
// fails; the first connected wins. dial_timeout bounds the whole dial.
class UpstreamDialer {
public:
    explicit UpstreamDialer(const UpstreamTransport& transport);
    ~UpstreamDialer();
    UpstreamDialer(const UpstreamDialer&) = delete;
    UpstreamDialer& operator=(const UpstreamDialer&) = delete;

    // A connected socket with TCP_NODELAY, or null when no address answered in time.
    awaitable<std::unique_ptr<UpstreamConnection>> dial(const Upstream& up, const asio::any_io_executor& ex) const;

private:
    awaitable<std::vector<tcp::endpoint>> resolve(const Upstream& up, const asio::any_io_executor& ex) const;
    awaitable<bool> connect(UpstreamConnection& conn, std::vector<tcp::endpoint> endpoints) const;

    const UpstreamTransport transport_;
    std::unique_ptr<asio::thread_pool> lookups_; // only with transport.resolver
};

} // namespace proxflow
