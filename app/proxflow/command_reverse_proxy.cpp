// `proxflow reverse-proxy`: a quick proxy without a config file.
#include "cli.hpp"

namespace proxflow::cli {
namespace {

constexpr const char* reverse_proxy_help = R"(Usage: proxflow reverse-proxy --from ADDR --to UPSTREAM [--to UPSTREAM ...] [--change-host-header] [--threads N]

Serves plain HTTP on ADDR (":8080", "127.0.0.1:8080", "http://localhost:8080") and proxies every
request to the upstreams, round robin. The admin API is off.
)";

// "http://host:port", "host:port" or ":port" -> a listen address (host must be an IP or localhost).
std::string listen_address(std::string from) {
    if (from.starts_with("http://")) from = from.substr(7);
    if (from.starts_with("https://")) throw UsageError("--from https:// needs TLS, which ProxFlow does not support yet");
    if (from.find(':') == std::string::npos) throw UsageError("--from needs a port, e.g. :8080");
    return from;
}

int reverse_proxy(int argc, char** argv) {
    Flags flags(argc, argv, 2, {{"from", true}, {"to", true}, {"change-host-header", false}, {"threads", true}});
    const auto from = flags.value("from");
    const auto to = flags.values("to");
    if (!from) throw UsageError("--from is required");
    if (to.empty()) throw UsageError("at least one --to is required");
    json upstreams = json::array();
    for (auto dial : to) {
        if (dial.starts_with("http://")) dial = dial.substr(7);
        upstreams.push_back({{"dial", dial}});
    }
    json handler{{"handler", "reverse_proxy"},
                 {"upstreams", upstreams},
                 {"load_balancing", {{"selection_policy", {{"policy", "round_robin"}}}}}};
    if (flags.has("change-host-header"))
        handler["headers"] = {{"request", {{"set", {{"Host", {"{http.reverse_proxy.upstream.hostport}"}}}}}}};
    const json config{
        {"admin", {{"disabled", true}}},
        {"apps", {{"http", {{"servers", {{"proxy", {{"listen", {listen_address(*from)}}, {"routes", {{{"handle", {handler}}}}}}}}}}}}}};
    return serve(config, flags, false);
}

} // namespace

int reverse_proxy_command(int argc, char** argv) {
    return guarded("reverse-proxy", reverse_proxy_help, argc, argv, reverse_proxy);
}

} // namespace proxflow::cli
