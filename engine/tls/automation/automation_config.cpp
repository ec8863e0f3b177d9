#include "tls/automation/automation_config.hpp"

#include "tls/issuer_registry.hpp"

#include <boost/algorithm/string/predicate.hpp>

namespace proxflow::tls {
namespace {

// Exact (case-insensitive), or a one-label wildcard subject ("*.example.com" covers "a.example.com").
bool subject_covers(std::string_view subject, std::string_view name) {
    if (boost::algorithm::iequals(subject, name)) return true;
    if (!subject.starts_with("*.")) return false;
    const auto dot = name.find('.');
    return dot != std::string_view::npos && dot > 0 && boost::algorithm::iequals(subject.substr(1), name.substr(dot));
}

AutomationPolicy read_policy(const json& value, const std::string& path, const Storage& storage) {
    ObjectReader r(value, path);
    AutomationPolicy p;
    p.subjects = r.strings("subjects");
    if (const json* issuers = r.take("issuers")) {
        expect_array(*issuers, r.path_of("issuers"));
        for (std::size_t i = 0; i < issuers->size(); ++i)
            p.issuers.push_back(make_issuer((*issuers)[i], index_path(r.path_of("issuers"), i), storage));
    }
    if (r.has("issuer")) throw ConfigError(r.path_of("issuer"), "the single `issuer` field is deprecated in Caddy; use issuers");
    const std::string key_type = r.string("key_type");
    if (!key_type.empty()) {
        const auto type = parse_key_type(key_type);
        if (!type) throw ConfigError(r.path_of("key_type"), "unknown key type \"" + key_type + "\" (ed25519, p256, p384, rsa2048, rsa4096)");
        p.key_type = *type;
    }
    p.on_demand = r.boolean("on_demand");
    p.renewal_window_ratio = r.number("renewal_window_ratio", p.renewal_window_ratio);
    if (p.renewal_window_ratio <= 0 || p.renewal_window_ratio >= 1) {
        if (r.has("renewal_window_ratio") && r.raw()["renewal_window_ratio"] != 0)
            throw ConfigError(r.path_of("renewal_window_ratio"), "must be between 0 and 1");
        p.renewal_window_ratio = 1.0 / 3;
    }
    // ProxFlow never staples OCSP responses, so turning stapling off changes nothing.
    r.boolean("disable_ocsp_stapling");
    if (const json* managers = r.take("get_certificate")) {
        expect_array(*managers, r.path_of("get_certificate"));
        for (std::size_t i = 0; i < managers->size(); ++i) {
            ObjectReader m((*managers)[i], index_path(r.path_of("get_certificate"), i));
            const std::string via = m.string("via");
            if (via != "http")
                throw ConfigError(m.path_of("via"), "certificate manager \"" + via + "\" is not supported by ProxFlow yet (only http)");
            const std::string url = m.string("url");
            if (!url.starts_with("http://") && !url.starts_with("https://"))
                throw ConfigError(m.path_of("url"), "an http:// or https:// URL is needed");
            p.get_certificate_urls.push_back(url);
            m.finish();
        }
    }
    for (const char* field : {"ocsp_overrides", "storage", "must_staple"})
        if (r.has(field)) throw ConfigError(r.path_of(field), std::string(field) + " is not supported by ProxFlow yet");
    r.finish();
    return p;
}

} // namespace

bool AutomationPolicy::covers(std::string_view name) const {
    if (subjects.empty()) return true;
    for (const auto& s : subjects)
        if (subject_covers(s, name)) return true;
    return false;
}

const AutomationPolicy& AutomationConfig::policy_for(std::string_view name) const {
    for (const auto& p : policies)
        if (p.covers(name)) return p;
    return default_policy_;
}

AutomationConfig AutomationConfig::from_json(const json* value, const std::string& path, const Storage& storage) {
    AutomationConfig config;
    config.default_policy_.issuers = default_issuers(storage, "");
    if (!value) return config;
    ObjectReader r(*value, path);
    if (const json* policies = r.take("policies")) {
        expect_array(*policies, r.path_of("policies"));
        for (std::size_t i = 0; i < policies->size(); ++i) {
            auto policy = read_policy((*policies)[i], index_path(r.path_of("policies"), i), storage);
            if (policy.issuers.empty()) policy.issuers = default_issuers(storage, "");
            config.policies.push_back(std::move(policy));
        }
    }
    if (const json* on_demand = r.take("on_demand")) {
        ObjectReader o(*on_demand, r.path_of("on_demand"));
        config.on_demand.ask = o.string("ask");
        if (!config.on_demand.ask.empty() && !config.on_demand.ask.starts_with("http://") &&
            !config.on_demand.ask.starts_with("https://"))
            throw ConfigError(o.path_of("ask"), "an http:// or https:// URL is needed");
        if (const json* limit = o.take("rate_limit")) {
            ObjectReader l(*limit, o.path_of("rate_limit"));
            config.on_demand.rate_interval = l.duration("interval");
            config.on_demand.rate_burst = static_cast<int>(l.integer("burst"));
            if (config.on_demand.rate_burst < 0) throw ConfigError(l.path_of("burst"), "must not be negative");
            l.finish();
        }
        o.finish();
    }
    // OCSP responses are never fetched or stapled, so their check interval has nothing to do.
    r.duration("ocsp_interval");
    config.renew_interval = r.duration("renew_interval", config.renew_interval);
    if (config.renew_interval.count() <= 0) config.renew_interval = std::chrono::minutes(10);
    r.duration("storage_clean_interval");
    r.finish();
    return config;
}

} // namespace proxflow::tls
