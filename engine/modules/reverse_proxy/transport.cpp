#include "modules/reverse_proxy/transport.hpp"

namespace proxflow {
namespace {

template <class Value>
Value or_default(Value value, Value fallback) {
    return value == Value{} ? fallback : value;
}

} // namespace

UpstreamTransport::UpstreamTransport(const HttpTransportConfig& c) {
    dial_timeout = or_default(c.dial_timeout, dial_timeout);
    dial_fallback_delay = or_default(c.dial_fallback_delay, dial_fallback_delay);
    response_header_timeout = c.response_header_timeout;
    read_timeout = c.read_timeout;
    write_timeout = c.write_timeout;
    expect_continue_timeout = c.expect_continue_timeout;
    max_response_header_size = or_default(static_cast<std::size_t>(c.max_response_header_size), max_response_header_size);
    if (c.keep_alive) {
        keep_alive = c.keep_alive->enabled.value_or(true);
        keep_alive_idle_timeout = or_default(c.keep_alive->idle_timeout, keep_alive_idle_timeout);
        max_idle_conns_per_host = or_default(static_cast<std::size_t>(c.keep_alive->max_idle_conns_per_host), max_idle_conns_per_host);
    }
    max_conns_per_host = static_cast<std::size_t>(c.max_conns_per_host);
    read_buffer_size = or_default(static_cast<std::size_t>(c.read_buffer_size), read_buffer_size);
    write_buffer_size = or_default(static_cast<std::size_t>(c.write_buffer_size), write_buffer_size);
    compression = c.compression.value_or(true);
    if (c.resolver) resolver.servers = c.resolver->servers();
}

} // namespace proxflow
