#include "routing/server_runtime.hpp"

#include "config/config_error.hpp"
#include "http/request_context.hpp"

namespace proxflow {

std::string ListenAddress::key() const {
    if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
    return host + ":" + std::to_string(port);
}

std::vector<ListenAddress> ListenAddress::parse(const std::string& text, const std::string& path) {
    std::string address = text;
    for (const char* network : {"tcp/", "tcp4/", "tcp6/"})
        if (address.starts_with(network)) address = address.substr(std::string(network).size());
    if (address.starts_with("udp/") || address.starts_with("unix/") || address.starts_with("fd/"))
        throw ConfigError(path, "listener network of \"" + text + "\" is not supported by ProxFlow yet (only tcp)");
    std::string host, ports;
    if (!address.empty() && address.front() == '[') {
        const auto end = address.find(']');
        if (end == std::string::npos || end + 1 >= address.size() || address[end + 1] != ':')
            throw ConfigError(path, "invalid listen address \"" + text + "\"");
        host = address.substr(1, end - 1);
        ports = address.substr(end + 2);
    } else {
        const auto colon = address.rfind(':');
        if (colon == std::string::npos) throw ConfigError(path, "invalid listen address \"" + text + "\": missing port");
        host = address.substr(0, colon);
        ports = address.substr(colon + 1);
    }
    auto parse_port = [&](const std::string& p) -> unsigned short {
        if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos || std::stoul(p) > 65535)
            throw ConfigError(path, "invalid port \"" + p + "\" in listen address \"" + text + "\"");
        return static_cast<unsigned short>(std::stoul(p));
    };
    const auto dash = ports.find('-');
    const unsigned short first = parse_port(ports.substr(0, dash));
    const unsigned short last = dash == std::string::npos ? first : parse_port(ports.substr(dash + 1));
    if (last < first) throw ConfigError(path, "invalid port range in listen address \"" + text + "\"");
    if (host == "localhost") host = "127.0.0.1";
    if (!host.empty()) {
        error_code ec;
        asio::ip::make_address(host, ec);
        if (ec) throw ConfigError(path, "listen host \"" + host + "\" must be an IP address (or localhost)");
    }
    std::vector<ListenAddress> out;
    for (unsigned p = first; p <= last; ++p) out.push_back({host, static_cast<unsigned short>(p)});
    return out;
}

asio::ip::address client_ip_of(const RequestContext& ctx) {
    return ctx.server.client_ip.client_ip(ctx.request().base(), ctx.remote.address());
}

bool from_trusted_proxy(const RequestContext& ctx) { return ctx.server.client_ip.trusts(ctx.remote.address()); }

} // namespace proxflow
