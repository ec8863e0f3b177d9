#include "modules/reverse_proxy/upstream.hpp"

#include "config/config_error.hpp"

namespace proxflow {
namespace {

// One upstream's count among its host's watchers, given back when the last copy of it goes.
class Watching {
public:
    Watching(std::shared_ptr<UpstreamHost> host, bool circuit, bool load) : host_(std::move(host)), circuit_(circuit), load_(load) {
        if (circuit_) host_->circuit.watchers.fetch_add(1, std::memory_order_relaxed);
        if (load_) host_->load.watchers.fetch_add(1, std::memory_order_relaxed);
    }
    Watching(const Watching&) = delete;
    Watching& operator=(const Watching&) = delete;
    ~Watching() {
        if (circuit_) host_->circuit.watchers.fetch_sub(1, std::memory_order_relaxed);
        if (load_) host_->load.watchers.fetch_sub(1, std::memory_order_relaxed);
    }

private:
    std::shared_ptr<UpstreamHost> host_;
    bool circuit_, load_;
};

} // namespace

void Upstream::watch(bool circuit, bool load) {
    watching = circuit || load ? std::make_shared<const Watching>(host, circuit, load) : nullptr;
}

Upstream Upstream::from_dial(const std::string& dial, const std::string& path, UsagePool& state) {
    Upstream up;
    up.dial = dial;
    up.host = state.get_or_make<UpstreamHost>(dial, [&] { return std::make_shared<UpstreamHost>(dial); });
    if (dial.find('{') != std::string::npos) {
        up.dial_template.emplace(dial);
        if (up.dial_template->has_placeholders()) return up;
        up.dial_template.reset();
    }
    if (const std::string error = up.parse_dial(); !error.empty()) throw ConfigError(path, error);
    return up;
}

std::optional<Upstream> Upstream::resolved(const RequestContext& ctx, std::string& error) const {
    Upstream up = *this;
    up.dial_template.reset();
    up.dial = dial_template->render(ctx);
    error = up.parse_dial();
    if (!error.empty()) return std::nullopt;
    return up;
}

std::string Upstream::parse_dial() {
    std::string address = dial;
    if (address.starts_with("tcp/")) address = address.substr(4);
    if (address.find("://") != std::string::npos) return "upstream \"" + dial + "\" must be host:port, without a scheme";
    if (address.starts_with("unix/") || address.starts_with("udp/"))
        return "network of \"" + dial + "\" is not supported by ProxFlow yet (only tcp)";
    std::string port;
    if (!address.empty() && address.front() == '[') {
        const auto end = address.find(']');
        if (end == std::string::npos) return "invalid upstream address \"" + dial + "\": unclosed [";
        hostname = address.substr(1, end - 1);
        if (end + 1 < address.size() && address[end + 1] == ':') port = address.substr(end + 2);
    } else {
        const auto colon = address.rfind(':');
        if (colon == std::string::npos) return "invalid upstream address \"" + dial + "\": missing port";
        hostname = address.substr(0, colon);
        port = address.substr(colon + 1);
    }
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) == 0 ||
        std::stoul(port) > 65535)
        return "invalid upstream address \"" + dial + "\": bad port \"" + port + "\"";
    if (hostname.empty()) hostname = "127.0.0.1";
    this->port = port;
    error_code ec;
    auto ip = asio::ip::make_address(hostname, ec);
    if (!ec) endpoint = tcp::endpoint(ip, static_cast<unsigned short>(std::stoul(port)));
    return {};
}

} // namespace proxflow
