#include "proxy/upstream.hpp"

#include "config/config_error.hpp"

namespace proxflow {

std::shared_ptr<UpstreamHost> UpstreamHostRegistry::get(const std::string& dial) {
    std::lock_guard lock(mutex_);
    auto& slot = hosts_[dial];
    if (auto existing = slot.lock()) return existing;
    auto host = std::make_shared<UpstreamHost>(dial);
    slot = host;
    return host;
}

std::vector<std::shared_ptr<UpstreamHost>> UpstreamHostRegistry::all() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<UpstreamHost>> out;
    for (auto it = hosts_.begin(); it != hosts_.end();) {
        if (auto host = it->second.lock()) {
            out.push_back(std::move(host));
            ++it;
        } else {
            it = hosts_.erase(it);
        }
    }
    return out;
}

Upstream Upstream::from_dial(const std::string& dial, const std::string& path, UpstreamHostRegistry& hosts) {
    std::string address = dial;
    if (address.starts_with("tcp/")) address = address.substr(4);
    if (address.find("://") != std::string::npos)
        throw ConfigError(path, "upstream \"" + dial + "\" must be host:port, without a scheme");
    if (address.starts_with("unix/") || address.starts_with("udp/"))
        throw ConfigError(path, "network of \"" + dial + "\" is not supported by ProxFlow yet (only tcp)");
    Upstream up;
    up.dial = dial;
    std::string port;
    if (!address.empty() && address.front() == '[') {
        const auto end = address.find(']');
        if (end == std::string::npos) throw ConfigError(path, "invalid upstream address \"" + dial + "\": unclosed [");
        up.hostname = address.substr(1, end - 1);
        if (end + 1 < address.size() && address[end + 1] == ':') port = address.substr(end + 2);
    } else {
        const auto colon = address.rfind(':');
        if (colon == std::string::npos) throw ConfigError(path, "invalid upstream address \"" + dial + "\": missing port");
        up.hostname = address.substr(0, colon);
        port = address.substr(colon + 1);
    }
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) == 0 ||
        std::stoul(port) > 65535)
        throw ConfigError(path, "invalid upstream address \"" + dial + "\": bad port \"" + port + "\"");
    if (up.hostname.empty()) up.hostname = "127.0.0.1";
    up.port = port;
    error_code ec;
    auto ip = asio::ip::make_address(up.hostname, ec);
    if (!ec) up.endpoint = tcp::endpoint(ip, static_cast<unsigned short>(std::stoul(port)));
    up.host = hosts.get(dial);
    return up;
}

} // namespace proxflow
