#include "modules/reverse_proxy/resolver_config.hpp"

#include <charconv>

namespace proxflow {
namespace {

// Caddy's resolver addresses: "IP", "IP:port" or "udp/IP:port" (port 53 when left out); the
// error, when there is one, goes in error.
asio::ip::udp::endpoint resolver_endpoint(const std::string& text, std::string& error) {
    std::string address = text;
    if (address.starts_with("udp/")) address = address.substr(4);
    else if (address.find('/') != std::string::npos) {
        error = "resolver \"" + text + "\": only UDP resolvers are supported by ProxFlow yet";
        return {};
    }
    std::string host = address, port = "53";
    if (const auto colon = address.rfind(':'); colon != std::string::npos && address.find(':') == colon) {
        host = address.substr(0, colon);
        port = address.substr(colon + 1);
    }
    error_code ec;
    const auto ip = asio::ip::make_address_v4(host, ec);
    if (ec) {
        error = "resolver \"" + text + "\": only IPv4 addresses are supported by ProxFlow yet";
        return {};
    }
    unsigned number = 0;
    const auto [end, perr] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (perr != std::errc{} || end != port.data() + port.size() || number == 0 || number > 65535) {
        error = "resolver \"" + text + "\": bad port";
        return {};
    }
    return {ip, static_cast<unsigned short>(number)};
}

} // namespace

ResolverConfig ResolverConfig::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    ResolverConfig c;
    c.addresses = r.strings("addresses");
    for (std::size_t i = 0; i < c.addresses.size(); ++i) {
        std::string error;
        resolver_endpoint(c.addresses[i], error);
        if (!error.empty()) throw ConfigError(index_path(r.path_of("addresses"), i), error);
    }
    r.finish();
    return c;
}

json ResolverConfig::to_json() const {
    json out = json::object();
    if (!addresses.empty()) out["addresses"] = addresses;
    return out;
}

std::vector<asio::ip::udp::endpoint> ResolverConfig::servers() const {
    std::vector<asio::ip::udp::endpoint> out;
    std::string error;
    for (const auto& address : addresses) out.push_back(resolver_endpoint(address, error));
    return out;
}

} // namespace proxflow
