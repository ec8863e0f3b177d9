#include "modules/reverse_proxy/load_balancing_config.hpp"

#include <algorithm>

namespace proxflow {
namespace {

bool has_fallback(const std::string& policy) { return policy == "query" || policy == "header" || policy == "cookie"; }

} // namespace

bool SelectionPolicyConfig::operator==(const SelectionPolicyConfig& other) const {
    const bool same_fallback = fallback && other.fallback ? *fallback == *other.fallback : fallback == other.fallback;
    return policy == other.policy && choose == other.choose && field == other.field && key == other.key && name == other.name &&
           secret == other.secret && weights == other.weights && history_length == other.history_length &&
           update_interval == other.update_interval && alpha == other.alpha && same_fallback;
}

SelectionPolicyConfig SelectionPolicyConfig::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    SelectionPolicyConfig c;
    c.policy = r.string("policy");
    const auto& known = selection_policy_names();
    if (!c.policy.empty() && std::find(known.begin(), known.end(), c.policy) == known.end())
        throw ConfigError(r.path_of("policy"), "unknown load-balancing policy \"" + c.policy + "\"");
    if (c.policy == "random_choose" && r.has("choose")) {
        c.choose = static_cast<int>(r.integer("choose"));
        if (c.choose < 2) throw ConfigError(r.path_of("choose"), "choose must be at least 2");
    } else if (c.policy == "weighted_round_robin") {
        c.weights = r.integers("weights");
        for (std::size_t i = 0; i < c.weights.size(); ++i)
            if (c.weights[i] < 0) throw ConfigError(index_path(r.path_of("weights"), i), "weight must not be negative");
    } else if (c.policy == "adaptive") {
        if (r.has("history_length")) {
            const auto length = r.integer("history_length");
            if (length < 1 || length > 10'000)
                throw ConfigError(r.path_of("history_length"), "history_length must be 1 to 10000 intervals (got " + std::to_string(length) + ")");
            c.history_length = static_cast<int>(length);
        }
        if (r.has("update_interval")) {
            const std::string written = r.raw().at("update_interval").dump();
            c.update_interval = r.duration("update_interval");
            if (c.update_interval.count() <= 0)
                throw ConfigError(r.path_of("update_interval"), "update_interval must be positive (got " + written + ")");
        }
        if (r.has("alpha")) {
            c.alpha = r.number("alpha");
            if (!(c.alpha > 0 && c.alpha <= 1))
                throw ConfigError(r.path_of("alpha"), "alpha must be above 0 and at most 1 (got " + json(c.alpha).dump() + ")");
        }
    } else if (c.policy == "query") {
        c.key = r.string("key");
        if (c.key.empty()) throw ConfigError(r.path_of("key"), "query policy needs a key");
    } else if (c.policy == "header") {
        c.field = r.string("field");
        if (c.field.empty()) throw ConfigError(r.path_of("field"), "header policy needs a field");
    } else if (c.policy == "cookie") {
        c.name = r.string("name");
        c.secret = r.string("secret");
    }
    if (has_fallback(c.policy))
        if (const json* f = r.take("fallback"))
            c.fallback = std::make_shared<const SelectionPolicyConfig>(from_json(*f, r.path_of("fallback")));
    r.finish(); // a field another policy reads is an unknown field here
    return c;
}

json SelectionPolicyConfig::to_json() const {
    json out = json::object();
    if (!policy.empty()) out["policy"] = policy;
    if (choose) out["choose"] = choose;
    if (!weights.empty()) out["weights"] = weights;
    if (history_length) out["history_length"] = history_length;
    if (update_interval.count()) out["update_interval"] = update_interval.count();
    if (alpha) out["alpha"] = alpha;
    if (!key.empty()) out["key"] = key;
    if (!field.empty()) out["field"] = field;
    if (!name.empty()) out["name"] = name;
    if (!secret.empty()) out["secret"] = secret;
    if (fallback) out["fallback"] = fallback->to_json();
    return out;
}

LoadBalancingConfig LoadBalancingConfig::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    LoadBalancingConfig c;
    if (const json* policy = r.take("selection_policy"))
        c.selection_policy = SelectionPolicyConfig::from_json(*policy, r.path_of("selection_policy"));
    c.retries = static_cast<int>(r.integer("retries"));
    c.try_duration = r.duration("try_duration");
    c.try_interval = r.duration("try_interval");
    if (const json* match = r.take("retry_match")) c.retry_match = {*match, r.path_of("retry_match")};
    r.finish();
    return c;
}

json LoadBalancingConfig::to_json() const {
    json out = json::object();
    if (selection_policy) out["selection_policy"] = selection_policy->to_json();
    if (retries) out["retries"] = retries;
    if (try_duration.count()) out["try_duration"] = try_duration.count();
    if (try_interval.count()) out["try_interval"] = try_interval.count();
    if (!retry_match.value.is_null()) out["retry_match"] = retry_match.value;
    return out;
}

void LoadBalancingConfig::check_supported(const std::string& path, bool dynamic) const {
    if (dynamic && selection_policy && selection_policy->policy == "weighted_round_robin")
        throw ConfigError(join_path(path, "selection_policy"),
                          "weighted_round_robin with dynamic_upstreams (its weights follow the static upstreams) is not "
                          "supported by ProxFlow yet");
}

} // namespace proxflow
