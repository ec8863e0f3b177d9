#include "modules/reverse_proxy/transport.hpp"


namespace proxflow {
namespace {

std::size_t positive_size(ObjectReader& r, const char* key, std::size_t fallback) {
    const auto value = r.integer(key, static_cast<std::int64_t>(fallback));
    if (value < 0) throw ConfigError(r.path_of(key), "must not be negative");
    return value == 0 ? fallback : static_cast<std::size_t>(value);
}

// The engine speaks HTTP/1.1 to upstreams. Over cleartext (TLS to upstreams is refused) Go's
// transport does too when "2" is listed, so only h2c and HTTP/3 would change the protocol.
void check_versions(ObjectReader& r) {
    const std::string path = r.path_of("versions");
    const auto versions = r.strings("versions");
    for (std::size_t i = 0; i < versions.size(); ++i) {
        const std::string& v = versions[i];
        if (v == "h2c")
            throw ConfigError(index_path(path, i), "h2c (HTTP/2 over cleartext) to upstreams is not supported by ProxFlow yet: "
                                                   "it speaks HTTP/1.1 to upstreams; use [\"1.1\"]");
        if (v == "3")
            throw ConfigError(index_path(path, i), "HTTP/3 to upstreams is not supported by ProxFlow yet: it speaks HTTP/1.1 "
                                                   "to upstreams; use [\"1.1\"]");
        if (v != "1.1" && v != "2") throw ConfigError(index_path(path, i), "unknown HTTP version \"" + v + "\" (1.1, 2, h2c or 3)");
    }
}

} // namespace

HttpTransportConfig HttpTransportConfig::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    HttpTransportConfig c;
    const std::string protocol = r.string("protocol");
    if (protocol != "http")
        throw ConfigError(r.path_of("protocol"), "transport \"" + protocol + "\" is not supported by ProxFlow yet (only http)");
    if (r.has("tls")) throw ConfigError(r.path_of("tls"), "TLS to upstreams is not supported by ProxFlow yet");
    c.dial_timeout = r.duration("dial_timeout", c.dial_timeout);
    if (const auto delay = r.duration("dial_fallback_delay"); delay.count() != 0) c.dial_fallback_delay = delay;
    c.response_header_timeout = r.duration("response_header_timeout");
    c.read_timeout = r.duration("read_timeout");
    c.write_timeout = r.duration("write_timeout");
    c.expect_continue_timeout = r.duration("expect_continue_timeout");
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
    c.max_conns_per_host = positive_size(r, "max_conns_per_host", 0);
    c.read_buffer_size = positive_size(r, "read_buffer_size", c.read_buffer_size);
    c.write_buffer_size = positive_size(r, "write_buffer_size", c.write_buffer_size);
    c.compression = r.boolean("compression", true);
    check_versions(r);
    if (const json* resolver = r.take("resolver")) c.resolver = dns_servers_from_json(*resolver, r.path_of("resolver"));
    r.finish();
    return c;
}

} // namespace proxflow
