#pragma once
#include "config/object_reader.hpp"
#include "geo/geo_database.hpp"
#include "http/ip_range.hpp"

#include <memory>
#include <string>
#include <vector>

namespace proxflow {

struct RequestContext;

// ProxFlow's `apps.traffic_metrics`: whether requests are counted, and how a client's country is
// found (database, a trusted header such as CF-IPCountry, the client IP behind trusted proxies).
struct TrafficMetricsConfig {
    bool enabled = true;
    std::shared_ptr<GeoDatabase> geo;
    std::string geo_header;                          // e.g. CF-IPCountry, read only from trusted proxies
    std::string client_ip_header = "X-Forwarded-For"; // read only from trusted proxies
    std::vector<IpRange> trusted_proxies;

    static std::shared_ptr<TrafficMetricsConfig> from_json(const json* value, const std::string& path);
    // "DE", "local" or "unknown".
    std::string country_of(const RequestContext& ctx) const;
};

} // namespace proxflow
