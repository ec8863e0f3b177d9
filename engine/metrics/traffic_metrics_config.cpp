#include "metrics/traffic_metrics_config.hpp"

#include "http/request_context.hpp"
#include "metrics/local_address.hpp"

#include <algorithm>

namespace proxflow {

std::shared_ptr<TrafficMetricsConfig> TrafficMetricsConfig::from_json(const json* value, const std::string& path) {
    auto config = std::make_shared<TrafficMetricsConfig>();
    if (!value) {
        config->geo = GeoDatabase::open_default();
        return config;
    }
    ObjectReader r(*value, path);
    config->enabled = !r.boolean("disabled");
    const std::string database = r.string("geo_database");
    config->geo = database.empty() ? GeoDatabase::open_default() : GeoDatabase::open(database, r.path_of("geo_database"));
    config->geo_header = r.string("geo_header");
    config->client_ip_header = r.string("client_ip_header", config->client_ip_header);
    config->trusted_proxies = parse_ip_ranges(r.strings("trusted_proxies"), r.path_of("trusted_proxies"));
    r.finish();
    return config;
}

std::string TrafficMetricsConfig::country_of(const RequestContext& ctx) const {
    auto address = ctx.remote.address();
    const bool trusted = std::any_of(trusted_proxies.begin(), trusted_proxies.end(),
                                     [&](const IpRange& r) { return r.contains(address); });
    if (trusted) {
        if (!geo_header.empty()) {
            const std::string_view code = ctx.request()[geo_header];
            if (code.size() == 2 && std::isalpha(static_cast<unsigned char>(code[0])) &&
                std::isalpha(static_cast<unsigned char>(code[1])))
                return {static_cast<char>(std::toupper(code[0])), static_cast<char>(std::toupper(code[1]))};
        }
        // The client is the right-most address not itself a trusted proxy.
        const std::string_view forwarded = ctx.request()[client_ip_header];
        std::size_t end = forwarded.size();
        while (end > 0) {
            const auto comma = forwarded.rfind(',', end - 1);
            const auto start = comma == std::string_view::npos ? 0 : comma + 1;
            std::string hop(forwarded.substr(start, end - start));
            hop.erase(0, hop.find_first_not_of(' '));
            hop.erase(hop.find_last_not_of(' ') + 1);
            error_code ec;
            const auto ip = asio::ip::make_address(hop, ec);
            if (ec) break;
            address = ip;
            if (!std::any_of(trusted_proxies.begin(), trusted_proxies.end(), [&](const IpRange& r) { return r.contains(ip); }))
                break;
            if (comma == std::string_view::npos) break;
            end = comma;
        }
    }
    if (metrics::is_local_address(address)) return "local";
    if (metrics::is_documentation_address(address)) return "unknown";
    if (geo)
        if (auto code = geo->country(address)) return *code;
    return "unknown";
}

} // namespace proxflow
