#include "modules/reverse_proxy/reverse_proxy_config.hpp"

namespace proxflow {
namespace {

Located<json> located(ObjectReader& r, const char* key) {
    const json* value = r.take(key);
    return value ? Located<json>{*value, r.path_of(key)} : Located<json>{nullptr, r.path_of(key)};
}

std::vector<UpstreamConfig> upstreams_from_json(const json& value, const std::string& path) {
    expect_array(value, path);
    std::vector<UpstreamConfig> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        ObjectReader r(value[i], index_path(path, i));
        UpstreamConfig up;
        up.dial = {r.string("dial"), r.path_of("dial")};
        up.lookup_srv = {r.string("lookup_srv"), r.path_of("lookup_srv")};
        up.max_requests = static_cast<int>(r.integer("max_requests"));
        r.finish();
        if (up.dial.value.empty() && up.lookup_srv.value.empty()) throw ConfigError(up.dial.path, "missing dial address");
        out.push_back(std::move(up));
    }
    return out;
}

json upstreams_to_json(const std::vector<UpstreamConfig>& upstreams) {
    json out = json::array();
    for (const auto& up : upstreams) {
        json entry = json::object();
        if (!up.dial.value.empty()) entry["dial"] = up.dial.value;
        if (!up.lookup_srv.value.empty()) entry["lookup_srv"] = up.lookup_srv.value;
        if (up.max_requests) entry["max_requests"] = up.max_requests;
        out.push_back(std::move(entry));
    }
    return out;
}

} // namespace

ReverseProxyConfig ReverseProxyConfig::from_json(ObjectReader& r) {
    ReverseProxyConfig c;
    r.skip("handler");
    if (const json* transport = r.take("transport")) {
        if (transport->is_object() && transport->value("protocol", json()) == "fastcgi")
            c.fastcgi_transport = FastcgiTransportConfig::from_json(*transport, r.path_of("transport"));
        else c.transport = HttpTransportConfig::from_json(*transport, r.path_of("transport"));
    }
    if (const json* breaker = r.take("circuit_breaker"))
        c.circuit_breaker = CircuitBreakerConfig::from_json(*breaker, r.path_of("circuit_breaker"));
    if (const json* lb = r.take("load_balancing")) c.load_balancing = LoadBalancingConfig::from_json(*lb, r.path_of("load_balancing"));
    if (const json* checks = r.take("health_checks")) c.health_checks = HealthChecksConfig::from_json(*checks, r.path_of("health_checks"));
    if (const json* upstreams = r.take("upstreams")) c.upstreams = upstreams_from_json(*upstreams, r.path_of("upstreams"));
    if (const json* dynamic = r.take("dynamic_upstreams"))
        c.dynamic_upstreams = DynamicUpstreamsConfig::from_json(*dynamic, r.path_of("dynamic_upstreams"));
    c.flush_interval = r.duration("flush_interval");
    c.trusted_proxies = {r.strings("trusted_proxies"), r.path_of("trusted_proxies")};
    if (const json* headers = r.take("headers")) {
        ObjectReader h(*headers, r.path_of("headers"));
        c.headers = Headers{located(h, "request"), located(h, "response")};
        h.finish();
    }
    c.rewrite = located(r, "rewrite");
    if (!c.rewrite.value.is_null()) expect_object(c.rewrite.value, c.rewrite.path);
    c.buffer_requests = r.boolean("buffer_requests");
    c.buffer_responses = r.boolean("buffer_responses");
    c.max_buffer_size = r.integer("max_buffer_size");
    c.request_buffers = r.integer("request_buffers");
    c.response_buffers = r.integer("response_buffers");
    c.handle_response = located(r, "handle_response");
    r.finish();
    return c;
}

json ReverseProxyConfig::to_json() const {
    json out = json::object();
    if (transport) out["transport"] = transport->to_json();
    if (fastcgi_transport) out["transport"] = fastcgi_transport->to_json();
    if (circuit_breaker) out["circuit_breaker"] = circuit_breaker->to_json();
    if (load_balancing) out["load_balancing"] = load_balancing->to_json();
    if (health_checks) out["health_checks"] = health_checks->to_json();
    if (!upstreams.empty()) out["upstreams"] = upstreams_to_json(upstreams);
    if (dynamic_upstreams) out["dynamic_upstreams"] = dynamic_upstreams->to_json();
    if (flush_interval.count()) out["flush_interval"] = flush_interval.count();
    if (!trusted_proxies.value.empty()) out["trusted_proxies"] = trusted_proxies.value;
    if (headers) {
        json& h = out["headers"] = json::object();
        if (!headers->request.value.is_null()) h["request"] = headers->request.value;
        if (!headers->response.value.is_null()) h["response"] = headers->response.value;
    }
    if (!rewrite.value.is_null()) out["rewrite"] = rewrite.value;
    if (buffer_requests) out["buffer_requests"] = true;
    if (buffer_responses) out["buffer_responses"] = true;
    if (max_buffer_size) out["max_buffer_size"] = max_buffer_size;
    if (request_buffers) out["request_buffers"] = request_buffers;
    if (response_buffers) out["response_buffers"] = response_buffers;
    if (!handle_response.value.is_null()) out["handle_response"] = handle_response.value;
    return out;
}

void ReverseProxyConfig::check_supported(const std::string& path) const {
    if (transport) transport->check_supported(join_path(path, "transport"));
    if (fastcgi_transport) FastcgiTransportConfig::refuse(join_path(path, "transport"));
    for (std::size_t i = 0; i < upstreams.size(); ++i)
        if (!upstreams[i].lookup_srv.value.empty())
            throw ConfigError(join_path(index_path(join_path(path, "upstreams"), i), "lookup_srv"),
                              "an upstream's lookup_srv is not supported by ProxFlow yet (dynamic upstreams of source srv are)");
    if (dynamic_upstreams) dynamic_upstreams->check_supported(join_path(path, "dynamic_upstreams"));
    if (!dynamic_upstreams && upstreams.empty())
        throw ConfigError(join_path(path, "upstreams"), "reverse_proxy needs at least one upstream");
    if (load_balancing) load_balancing->check_supported(join_path(path, "load_balancing"), dynamic_upstreams.has_value());
    const std::pair<const char*, bool> unsupported[] = {
        {"buffer_requests", buffer_requests},        {"buffer_responses", buffer_responses},
        {"request_buffers", request_buffers != 0},   {"response_buffers", response_buffers != 0},
        {"max_buffer_size", max_buffer_size != 0}};
    for (const auto& [key, set] : unsupported)
        if (set)
            throw ConfigError(join_path(path, key), std::string("reverse_proxy option \"") + key + "\" is not supported by ProxFlow yet");
}

} // namespace proxflow
