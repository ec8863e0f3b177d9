#include "proxy/transport.hpp"

namespace proxflow {

HttpTransportConfig HttpTransportConfig::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    HttpTransportConfig c;
    const std::string protocol = r.string("protocol");
    if (protocol != "http")
        throw ConfigError(r.path_of("protocol"), "transport \"" + protocol + "\" is not supported by ProxFlow yet (only http)");
    if (r.has("tls")) throw ConfigError(r.path_of("tls"), "TLS to upstreams is not supported by ProxFlow yet");
    c.dial_timeout = r.duration("dial_timeout", c.dial_timeout);
    c.response_header_timeout = r.duration("response_header_timeout");
    c.read_timeout = r.duration("read_timeout");
    c.write_timeout = r.duration("write_timeout");
    c.max_response_header_size =
        static_cast<std::size_t>(r.integer("max_response_header_size", static_cast<std::int64_t>(c.max_response_header_size)));
    if (const json* ka = r.take("keep_alive")) {
        ObjectReader k(*ka, r.path_of("keep_alive"));
        c.keep_alive = k.boolean("enabled", true);
        c.keep_alive_idle_timeout = k.duration("idle_timeout", c.keep_alive_idle_timeout);
        c.max_idle_conns_per_host =
            static_cast<std::size_t>(k.integer("max_idle_conns_per_host", static_cast<std::int64_t>(c.max_idle_conns_per_host)));
        k.integer("max_idle_conns");
        k.duration("probe_interval");
        k.finish();
    }
    // Tuning knobs of Go's transport that have no counterpart here; they are accepted so that Caddy
    // configs load, and listed as such in docs/caddyfile.md.
    for (const char* tolerated : {"dial_fallback_delay", "expect_continue_timeout", "read_buffer_size", "write_buffer_size",
                                  "max_conns_per_host", "versions", "compression", "resolver"})
        r.take(tolerated);
    r.finish();
    return c;
}

} // namespace proxflow
