#include "modules/reverse_proxy/upstream_address.hpp"

#include "config/ascii_lower.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace proxflow::caddyfile {
namespace {

// Go's net.SplitHostPort; nullopt where it returns an error.
std::optional<std::pair<std::string, std::string>> split_host_port(const std::string& hostport) {
    const auto i = hostport.rfind(':');
    if (i == std::string::npos) return std::nullopt;
    std::string host;
    std::size_t j = 0, k = 0;
    if (!hostport.empty() && hostport.front() == '[') {
        const auto end = hostport.find(']');
        if (end == std::string::npos || end + 1 != i) return std::nullopt;
        host = hostport.substr(1, end - 1);
        j = 1;
        k = end + 1;
    } else {
        host = hostport.substr(0, i);
        if (host.find(':') != std::string::npos) return std::nullopt;
    }
    if (hostport.find('[', j) != std::string::npos || hostport.find(']', k) != std::string::npos) return std::nullopt;
    return std::pair{host, hostport.substr(i + 1)};
}

// Go's net.JoinHostPort.
std::string join_host_port(const std::string& host, const std::string& port) {
    return host.find(':') != std::string::npos ? "[" + host + "]:" + port : host + ":" + port;
}

// Go's url.validOptionalPort: "" or ":" followed by digits only.
bool valid_optional_port(const std::string& port) {
    if (port.empty()) return true;
    return port.front() == ':' && std::all_of(port.begin() + 1, port.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// "scheme://authority" as Go's url.Parse reads it, to scheme, hostname and port.
struct ParsedUrl {
    std::string scheme, hostname, port;
};

ParsedUrl parse_url(const std::string& address) {
    const auto sep = address.find("://");
    const std::string scheme = address.substr(0, sep);
    const bool scheme_ok = !scheme.empty() && std::isalpha(static_cast<unsigned char>(scheme.front())) &&
                           std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) { return std::isalnum(c) || c == '+' || c == '-' || c == '.'; });
    if (!scheme_ok) throw std::invalid_argument("parsing upstream URL: parse \"" + address + "\": missing protocol scheme");
    std::string authority = address.substr(sep + 3);
    if (authority.find_first_of("/?#") != std::string::npos)
        throw std::invalid_argument("for now, URLs for proxy upstreams only support scheme, host, and port components");
    if (const auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
    ParsedUrl out{ascii_lower(scheme), authority, ""};
    std::string colon_port;
    if (!authority.empty() && authority.front() == '[') {
        const auto end = authority.find(']');
        if (end == std::string::npos)
            throw std::invalid_argument("parsing upstream URL: parse \"" + address + "\": missing ']' in host");
        colon_port = authority.substr(end + 1);
        out.hostname = authority.substr(1, end - 1);
    } else if (const auto colon = authority.rfind(':'); colon != std::string::npos) {
        colon_port = authority.substr(colon);
        out.hostname = authority.substr(0, colon);
    }
    if (!valid_optional_port(colon_port))
        throw std::invalid_argument("parsing upstream URL: parse \"" + address + "\": invalid port \"" + colon_port + "\" after host");
    if (!colon_port.empty()) out.port = colon_port.substr(1);
    return out;
}

// Caddy's parseUpstreamDialAddress.
UpstreamAddress parse_upstream_dial_address(std::string address) {
    std::string network, scheme, host, port;
    if (address.find("://") != std::string::npos) {
        if (address.find('{') != std::string::npos)
            throw std::invalid_argument("due to parsing difficulties, placeholders are not allowed when an upstream address contains a scheme");
        const ParsedUrl url = parse_url(address);
        if (url.scheme == "http" && url.port == "443")
            throw std::invalid_argument("upstream address has conflicting scheme (http://) and port (:443, the HTTPS port)");
        if (url.scheme == "https" && url.port == "80")
            throw std::invalid_argument("upstream address has conflicting scheme (https://) and port (:80, the HTTP port)");
        if (url.scheme == "h2c" && url.port == "443")
            throw std::invalid_argument("upstream address has conflicting scheme (h2c://) and port (:443, the HTTPS port)");
        scheme = url.scheme;
        host = url.hostname;
        port = url.port;
        if (port.empty()) port = scheme == "https" ? "443" : (scheme == "http" || scheme == "h2c") ? "80" : "";
    } else {
        if (const auto slash = address.find('/'); slash != std::string::npos) {
            network = ascii_lower(trim(address.substr(0, slash)));
            address = address.substr(slash + 1);
        }
        if (const auto split = split_host_port(address)) std::tie(host, port) = *split;
        else host = address;
        // A placeholder without a port likely has the port in it.
        if (port.empty() && host.find('{') == std::string::npos) port = "80";
    }
    if (network == "unix+h2c") {
        network = "unix";
        scheme = "h2c";
    }
    if (!network.empty()) {
        // caddy.JoinNetworkAddress: a unix socket has no port.
        const bool unix_socket = network == "unix" || network == "unixgram" || network == "unixpacket";
        if ((!host.empty() && port.empty()) || unix_socket) return {network + "/" + host, scheme};
        return {network + "/" + (port.empty() ? "" : join_host_port(host, port)), scheme};
    }
    if (port.empty() && host.find('{') != std::string::npos) return {host, scheme};
    return {join_host_port(host, port), scheme};
}

} // namespace

UpstreamAddress parse_upstream_address(std::string address) {
    const bool srv = address.starts_with("srv+");
    UpstreamAddress out = parse_upstream_dial_address(srv ? address.substr(4) : address);
    if (!srv) return out;
    // An SRV name has no port: Caddy drops the one the dial address got.
    if (const auto split = split_host_port(out.dial)) out.dial = split->first;
    out.lookup_srv = true;
    return out;
}

} // namespace proxflow::caddyfile
