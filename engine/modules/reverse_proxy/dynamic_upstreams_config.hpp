#pragma once
// reverse_proxy's `dynamic_upstreams`, spelled as Caddy's AUpstreams and SRVUpstreams modules
// ({"source": "a"} or {"source": "srv"}): only the source's own fields may be set.
#include "config/object_reader.hpp"
#include "modules/reverse_proxy/resolver_config.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace proxflow {

struct DynamicUpstreamsConfig {
    std::string source; // "a" or "srv"
    std::string name;
    std::string port;    // a: "" is 80
    std::string service; // srv
    std::string proto;   // srv
    std::chrono::nanoseconds refresh{}; // 0 is 1 minute
    std::optional<ResolverConfig> resolver;
    std::chrono::nanoseconds dial_timeout{}; // bounds each question to the resolvers
    std::chrono::nanoseconds dial_fallback_delay{};

    bool operator==(const DynamicUpstreamsConfig&) const = default;
    static DynamicUpstreamsConfig from_json(const json& value, const std::string& path);
    json to_json() const;
    // Throws ConfigError at path (the dynamic_upstreams') for what ProxFlow cannot do.
    void check_supported(const std::string& path) const;
};

} // namespace proxflow
