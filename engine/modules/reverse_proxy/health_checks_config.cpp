#include "modules/reverse_proxy/health_checks_config.hpp"

#include <regex>

namespace proxflow {
namespace {

HealthChecksConfig::Active active_from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    HealthChecksConfig::Active c;
    c.path = r.string("path");
    c.uri = r.string("uri");
    c.port = static_cast<int>(r.integer("port"));
    if (c.port < 0 || c.port > 65535) throw ConfigError(r.path_of("port"), "invalid port");
    if (const json* headers = r.take("headers")) {
        const std::string hpath = r.path_of("headers");
        expect_object(*headers, hpath);
        for (auto it = headers->begin(); it != headers->end(); ++it) {
            const std::string fpath = join_path(hpath, it.key());
            expect_array(it.value(), fpath);
            auto& values = c.headers[it.key()];
            for (std::size_t i = 0; i < it.value().size(); ++i) {
                if (!it.value()[i].is_string()) throw ConfigError(index_path(fpath, i), "expected a string");
                values.push_back(it.value()[i].get<std::string>());
            }
        }
    }
    c.interval = r.duration("interval");
    if (c.interval.count() < 0) throw ConfigError(r.path_of("interval"), "interval must be positive");
    c.timeout = r.duration("timeout");
    c.max_size = r.integer("max_size");
    c.expect_status = static_cast<int>(r.integer("expect_status"));
    c.expect_body = r.string("expect_body");
    try {
        std::regex check(c.expect_body);
    } catch (const std::regex_error& e) {
        throw ConfigError(r.path_of("expect_body"), std::string("invalid regular expression: ") + e.what());
    }
    r.finish();
    return c;
}

json active_to_json(const HealthChecksConfig::Active& c) {
    json out = json::object();
    if (!c.path.empty()) out["path"] = c.path;
    if (!c.uri.empty()) out["uri"] = c.uri;
    if (c.port) out["port"] = c.port;
    if (!c.headers.empty()) out["headers"] = c.headers;
    if (c.interval.count()) out["interval"] = c.interval.count();
    if (c.timeout.count()) out["timeout"] = c.timeout.count();
    if (c.max_size) out["max_size"] = c.max_size;
    if (c.expect_status) out["expect_status"] = c.expect_status;
    if (!c.expect_body.empty()) out["expect_body"] = c.expect_body;
    return out;
}

HealthChecksConfig::Passive passive_from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    HealthChecksConfig::Passive c;
    c.fail_duration = r.duration("fail_duration");
    c.max_fails = static_cast<int>(r.integer("max_fails"));
    c.unhealthy_request_count = static_cast<int>(r.integer("unhealthy_request_count"));
    c.unhealthy_status = r.integers("unhealthy_status");
    c.unhealthy_latency = r.duration("unhealthy_latency");
    r.finish();
    return c;
}

json passive_to_json(const HealthChecksConfig::Passive& c) {
    json out = json::object();
    if (c.fail_duration.count()) out["fail_duration"] = c.fail_duration.count();
    if (c.max_fails) out["max_fails"] = c.max_fails;
    if (c.unhealthy_request_count) out["unhealthy_request_count"] = c.unhealthy_request_count;
    if (!c.unhealthy_status.empty()) out["unhealthy_status"] = c.unhealthy_status;
    if (c.unhealthy_latency.count()) out["unhealthy_latency"] = c.unhealthy_latency.count();
    return out;
}

} // namespace

HealthChecksConfig HealthChecksConfig::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    HealthChecksConfig c;
    if (const json* active = r.take("active")) c.active = active_from_json(*active, r.path_of("active"));
    if (const json* passive = r.take("passive")) c.passive = passive_from_json(*passive, r.path_of("passive"));
    r.finish();
    return c;
}

json HealthChecksConfig::to_json() const {
    json out = json::object();
    if (active) out["active"] = active_to_json(*active);
    if (passive) out["passive"] = passive_to_json(*passive);
    return out;
}

} // namespace proxflow
