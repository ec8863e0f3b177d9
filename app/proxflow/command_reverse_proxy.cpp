// `proxflow reverse-proxy`: a quick proxy without a config file, as Caddy 2.6's `caddy reverse-proxy`.
#include "cli.hpp"

#include "http/beast.hpp"
#include "modules/reverse_proxy/reverse_proxy_config.hpp"

#include <iostream>

namespace proxflow::cli {
namespace {

constexpr const char* reverse_proxy_help = R"(Usage: proxflow reverse-proxy [--from ADDR] --to UPSTREAM [--to UPSTREAM ...] [--change-host-header]
                              [--internal-certs] [--disable-redirects] [--threads N]

Proxies every request from ADDR (default "localhost") to the upstreams, round robin. As Caddy does,
ADDR is served over HTTPS when it has a host and its scheme is not http:// nor its port 80
("https://localhost:8443", "localhost", "127.0.0.1:8443"); ":8080" and "http://localhost:8080" are
plain HTTP. HTTPS uses automatic HTTPS: the internal CA for internal names (localhost, IPs, ...),
ACME otherwise, and HTTP requests on port 80 are redirected to it.

  --internal-certs      certificates from the internal CA, whatever the name
  --disable-redirects   no HTTP->HTTPS redirect (nothing listens on port 80)
  --change-host-header  send the upstream's address as Host

An IP address is listened on as given, localhost on 127.0.0.1 and [::1], any other name on every
interface. The admin API is off.
)";

struct FromAddress {
    std::string scheme, host, port;
    std::string text() const {
        const bool v6 = host.find(':') != std::string::npos;
        return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + port;
    }
};

// Caddy's rules for --from: the scheme follows the port and host when not given, the port the scheme.
FromAddress parse_from(const std::string& text) {
    FromAddress a;
    std::string rest = text;
    if (const auto sep = rest.find("://"); sep != std::string::npos) {
        a.scheme = rest.substr(0, sep);
        rest = rest.substr(sep + 3);
        if (a.scheme != "http" && a.scheme != "https") throw UsageError("--from: unsupported scheme " + a.scheme + "://");
    }
    if (rest.find('/') != std::string::npos) throw UsageError("--from: paths are not allowed: " + text);
    if (rest.starts_with("[")) {
        const auto close = rest.find(']');
        if (close == std::string::npos) throw UsageError("--from: bad IPv6 address: " + text);
        a.host = rest.substr(1, close - 1);
        if (rest.size() > close + 1) {
            if (rest[close + 1] != ':') throw UsageError("--from: bad address: " + text);
            a.port = rest.substr(close + 2);
        }
    } else if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
        a.host = rest.substr(0, colon);
        a.port = rest.substr(colon + 1);
    } else {
        a.host = rest;
    }
    if (!a.port.empty() && (a.port.find_first_not_of("0123456789") != std::string::npos || a.port.size() > 5 || std::stoi(a.port) > 65535))
        throw UsageError("--from: bad port: " + text);
    if (a.scheme.empty()) a.scheme = a.port == "80" || a.host.empty() ? "http" : "https";
    if (a.port.empty()) a.port = a.scheme == "http" ? "80" : "443";
    return a;
}

json listen_addresses(const FromAddress& from) {
    error_code not_ip;
    const auto ip = asio::ip::make_address(from.host, not_ip);
    if (!not_ip) return json::array({ip.is_v6() ? "[" + from.host + "]:" + from.port : from.host + ":" + from.port});
    if (from.host == "localhost") return json::array({"127.0.0.1:" + from.port, "[::1]:" + from.port});
    return json::array({":" + from.port});
}

int reverse_proxy(int argc, char** argv) {
    Flags flags(argc, argv, 2,
                {{"from", true}, {"to", true}, {"change-host-header", false}, {"internal-certs", false},
                 {"disable-redirects", false}, {"threads", true}});
    const auto from = parse_from(flags.value("from").value_or("localhost"));
    const auto to = flags.values("to");
    if (to.empty()) throw UsageError("at least one --to is required");
    ReverseProxyConfig proxy;
    for (auto dial : to) {
        if (dial.starts_with("http://")) dial = dial.substr(7);
        proxy.upstreams.emplace_back().dial.value = dial;
    }
    proxy.load_balancing.emplace().selection_policy.emplace().policy = "round_robin";
    if (flags.has("change-host-header"))
        proxy.headers.emplace().request.value = {{"set", {{"Host", {"{http.reverse_proxy.upstream.hostport}"}}}}};
    json handler = proxy.to_json();
    handler["handler"] = "reverse_proxy";
    json route{{"handle", {handler}}};
    if (!from.host.empty()) route["match"] = {{{"host", {from.host}}}};
    json server{{"listen", listen_addresses(from)}, {"routes", {route}}};
    if (from.scheme == "http") server["automatic_https"] = {{"disable", true}};
    else if (flags.has("disable-redirects")) server["automatic_https"] = {{"disable_redirects", true}};
    json config{{"admin", {{"disabled", true}}}, {"apps", {{"http", {{"servers", {{"proxy", server}}}}}}}};
    if (flags.has("internal-certs") && !from.host.empty())
        config["apps"]["tls"] = {{"automation", {{"policies", {{{"subjects", {from.host}}, {"issuers", {{{"module", "internal"}}}}}}}}}};
    for (const auto& upstream : proxy.upstreams) std::cout << "ProxFlow proxying " << from.text() << " -> " << upstream.dial.value << "\n";
    std::cout.flush();
    return serve(config, flags, false);
}

} // namespace

int reverse_proxy_command(int argc, char** argv) {
    return guarded("reverse-proxy", reverse_proxy_help, argc, argv, reverse_proxy);
}

} // namespace proxflow::cli
