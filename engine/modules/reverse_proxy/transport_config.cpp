#include "modules/reverse_proxy/transport_config.hpp"

namespace proxflow {
namespace {

std::int64_t size(ObjectReader& r, const char* key) {
    const auto value = r.integer(key);
    if (value < 0) throw ConfigError(r.path_of(key), "must not be negative");
    return value;
}

HttpTransportConfig::Tls tls_from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    HttpTransportConfig::Tls c;
    c.root_ca_pem_files = r.strings("root_ca_pem_files");
    c.client_certificate_file = r.string("client_certificate_file");
    c.client_certificate_key_file = r.string("client_certificate_key_file");
    c.client_certificate_automate = r.string("client_certificate_automate");
    c.insecure_skip_verify = r.boolean("insecure_skip_verify");
    c.handshake_timeout = r.duration("handshake_timeout");
    c.server_name = r.string("server_name");
    c.renegotiation = r.string("renegotiation");
    c.except_ports = r.strings("except_ports");
    r.finish();
    return c;
}

json tls_to_json(const HttpTransportConfig::Tls& c) {
    json out = json::object();
    if (!c.root_ca_pem_files.empty()) out["root_ca_pem_files"] = c.root_ca_pem_files;
    if (!c.client_certificate_file.empty()) out["client_certificate_file"] = c.client_certificate_file;
    if (!c.client_certificate_key_file.empty()) out["client_certificate_key_file"] = c.client_certificate_key_file;
    if (!c.client_certificate_automate.empty()) out["client_certificate_automate"] = c.client_certificate_automate;
    if (c.insecure_skip_verify) out["insecure_skip_verify"] = true;
    if (c.handshake_timeout.count()) out["handshake_timeout"] = c.handshake_timeout.count();
    if (!c.server_name.empty()) out["server_name"] = c.server_name;
    if (!c.renegotiation.empty()) out["renegotiation"] = c.renegotiation;
    if (!c.except_ports.empty()) out["except_ports"] = c.except_ports;
    return out;
}

HttpTransportConfig::KeepAlive keep_alive_from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    HttpTransportConfig::KeepAlive c;
    if (r.has("enabled")) c.enabled = r.boolean("enabled");
    c.probe_interval = r.duration("probe_interval");
    c.max_idle_conns = r.integer("max_idle_conns");
    c.max_idle_conns_per_host = r.integer("max_idle_conns_per_host");
    c.idle_timeout = r.duration("idle_timeout");
    r.finish();
    return c;
}

json keep_alive_to_json(const HttpTransportConfig::KeepAlive& c) {
    json out = json::object();
    if (c.enabled) out["enabled"] = *c.enabled;
    if (c.probe_interval.count()) out["probe_interval"] = c.probe_interval.count();
    if (c.max_idle_conns) out["max_idle_conns"] = c.max_idle_conns;
    if (c.max_idle_conns_per_host) out["max_idle_conns_per_host"] = c.max_idle_conns_per_host;
    if (c.idle_timeout.count()) out["idle_timeout"] = c.idle_timeout.count();
    return out;
}

} // namespace

HttpTransportConfig HttpTransportConfig::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    HttpTransportConfig c;
    const std::string protocol = r.string("protocol");
    if (protocol != "http")
        throw ConfigError(r.path_of("protocol"), "transport \"" + protocol + "\" is not supported by ProxFlow yet (only http)");
    if (const json* resolver = r.take("resolver")) c.resolver = ResolverConfig::from_json(*resolver, r.path_of("resolver"));
    if (const json* tls = r.take("tls")) c.tls = tls_from_json(*tls, r.path_of("tls"));
    if (const json* ka = r.take("keep_alive")) c.keep_alive = keep_alive_from_json(*ka, r.path_of("keep_alive"));
    if (r.has("compression")) c.compression = r.boolean("compression");
    c.max_conns_per_host = size(r, "max_conns_per_host");
    c.dial_timeout = r.duration("dial_timeout");
    c.dial_fallback_delay = r.duration("dial_fallback_delay");
    c.response_header_timeout = r.duration("response_header_timeout");
    c.expect_continue_timeout = r.duration("expect_continue_timeout");
    c.max_response_header_size = r.integer("max_response_header_size");
    c.write_buffer_size = size(r, "write_buffer_size");
    c.read_buffer_size = size(r, "read_buffer_size");
    c.read_timeout = r.duration("read_timeout");
    c.write_timeout = r.duration("write_timeout");
    c.versions = r.strings("versions");
    for (std::size_t i = 0; i < c.versions.size(); ++i) {
        const std::string& v = c.versions[i];
        if (v != "1.1" && v != "2" && v != "h2c" && v != "3")
            throw ConfigError(index_path(r.path_of("versions"), i), "unknown HTTP version \"" + v + "\" (1.1, 2, h2c or 3)");
    }
    r.finish();
    return c;
}

json HttpTransportConfig::to_json() const {
    json out{{"protocol", "http"}};
    if (resolver) out["resolver"] = resolver->to_json();
    if (tls) out["tls"] = tls_to_json(*tls);
    if (keep_alive) out["keep_alive"] = keep_alive_to_json(*keep_alive);
    if (compression) out["compression"] = *compression;
    if (max_conns_per_host) out["max_conns_per_host"] = max_conns_per_host;
    if (dial_timeout.count()) out["dial_timeout"] = dial_timeout.count();
    if (dial_fallback_delay.count()) out["dial_fallback_delay"] = dial_fallback_delay.count();
    if (response_header_timeout.count()) out["response_header_timeout"] = response_header_timeout.count();
    if (expect_continue_timeout.count()) out["expect_continue_timeout"] = expect_continue_timeout.count();
    if (max_response_header_size) out["max_response_header_size"] = max_response_header_size;
    if (write_buffer_size) out["write_buffer_size"] = write_buffer_size;
    if (read_buffer_size) out["read_buffer_size"] = read_buffer_size;
    if (read_timeout.count()) out["read_timeout"] = read_timeout.count();
    if (write_timeout.count()) out["write_timeout"] = write_timeout.count();
    if (!versions.empty()) out["versions"] = versions;
    return out;
}

// The engine speaks HTTP/1.1 to upstreams. Over cleartext Go's transport does too when "2" is
// listed, so only h2c and HTTP/3 would change the protocol.
void HttpTransportConfig::check_supported(const std::string& path) const {
    if (tls) throw ConfigError(join_path(path, "tls"), "TLS to upstreams is not supported by ProxFlow yet");
    for (std::size_t i = 0; i < versions.size(); ++i) {
        const std::string at = index_path(join_path(path, "versions"), i);
        if (versions[i] == "h2c")
            throw ConfigError(at, "h2c (HTTP/2 over cleartext) to upstreams is not supported by ProxFlow yet: "
                                  "it speaks HTTP/1.1 to upstreams; use [\"1.1\"]");
        if (versions[i] == "3")
            throw ConfigError(at, "HTTP/3 to upstreams is not supported by ProxFlow yet: it speaks HTTP/1.1 to upstreams; use [\"1.1\"]");
    }
}

} // namespace proxflow
