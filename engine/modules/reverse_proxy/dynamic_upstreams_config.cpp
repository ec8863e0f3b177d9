#include "modules/reverse_proxy/dynamic_upstreams_config.hpp"

namespace proxflow {

DynamicUpstreamsConfig DynamicUpstreamsConfig::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    DynamicUpstreamsConfig c;
    c.source = r.string("source");
    if (c.source == "srv") {
        c.service = r.string("service");
        c.proto = r.string("proto");
    } else if (c.source == "a") {
        c.port = r.string("port");
    } else if (c.source == "multi") {
        throw ConfigError(r.path_of("source"), "dynamic upstreams source \"multi\" is not supported by ProxFlow yet");
    } else {
        throw ConfigError(r.path_of("source"), "unknown dynamic upstreams source \"" + c.source + "\" (a or srv)");
    }
    c.name = r.string("name");
    if (c.name.empty()) throw ConfigError(r.path_of("name"), "a dynamic upstreams source needs a name");
    c.refresh = r.duration("refresh");
    if (const json* resolver = r.take("resolver")) c.resolver = ResolverConfig::from_json(*resolver, r.path_of("resolver"));
    c.dial_timeout = r.duration("dial_timeout");
    c.dial_fallback_delay = r.duration("dial_fallback_delay");
    r.finish();
    return c;
}

json DynamicUpstreamsConfig::to_json() const {
    json out{{"source", source}};
    if (!name.empty()) out["name"] = name;
    if (!port.empty()) out["port"] = port;
    if (!service.empty()) out["service"] = service;
    if (!proto.empty()) out["proto"] = proto;
    if (refresh.count()) out["refresh"] = refresh.count();
    if (resolver) out["resolver"] = resolver->to_json();
    if (dial_timeout.count()) out["dial_timeout"] = dial_timeout.count();
    if (dial_fallback_delay.count()) out["dial_fallback_delay"] = dial_fallback_delay.count();
    return out;
}

// Caddy races address families with dial_fallback_delay when dialling a resolver given by name;
// resolvers here are IP addresses over UDP, so it could do nothing and is refused rather than ignored.
void DynamicUpstreamsConfig::check_supported(const std::string& path) const {
    if (dial_fallback_delay.count())
        throw ConfigError(join_path(path, "dial_fallback_delay"),
                          "dial_fallback_delay of dynamic upstreams is not supported by ProxFlow: it races address families when "
                          "dialling a resolver by name, and resolvers here are IP addresses; remove it (the transport's "
                          "dial_fallback_delay applies to upstream addresses)");
}

} // namespace proxflow
