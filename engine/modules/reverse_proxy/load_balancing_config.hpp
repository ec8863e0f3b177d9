#pragma once
// reverse_proxy's `load_balancing`, spelled as Caddy's reverseproxy.LoadBalancing and its
// selection policies: one round trip (from_json validates, to_json writes only what is set).
#include "config/located.hpp"
#include "config/object_reader.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace proxflow {

// One `selection_policy` module ({"policy": "cookie", "name": "lb"}); only the policy's own
// fields may be set, the others are unknown fields.
struct SelectionPolicyConfig {
    std::string policy;       // "" is random
    int choose = 0;           // random_choose: how many to sample; 0 is 2
    std::string field;        // header: the request field hashed
    std::string key;          // query: the parameter hashed
    std::string name;         // cookie: its name; "" is "lb"
    std::string secret;       // cookie: the HMAC key of its value
    std::vector<int> weights; // weighted_round_robin, in upstream order
    int history_length = 0;                    // adaptive: intervals kept; 0 is 10
    std::chrono::nanoseconds update_interval{}; // adaptive: 0 is 1 minute
    double alpha = 0;                           // adaptive: smoothing factor (0-1]; 0 is 0.3
    // query, header and cookie: for requests without their key (Caddy 2.7); null is random.
    std::shared_ptr<const SelectionPolicyConfig> fallback;

    bool operator==(const SelectionPolicyConfig& other) const;
    static SelectionPolicyConfig from_json(const json& value, const std::string& path);
    json to_json() const;
};

// Every policy name SelectionPolicyConfig knows, in the order the console lists them.
const std::vector<std::string>& selection_policy_names();

struct LoadBalancingConfig {
    std::optional<SelectionPolicyConfig> selection_policy;
    int retries = 0;
    std::chrono::nanoseconds try_duration{};
    std::chrono::nanoseconds try_interval{}; // 0 is 250 ms once try_duration is set
    Located<json> retry_match;               // matcher sets; null when unset

    bool operator==(const LoadBalancingConfig&) const = default;
    static LoadBalancingConfig from_json(const json& value, const std::string& path);
    json to_json() const;
    // Throws ConfigError under path (the load_balancing's) for what ProxFlow cannot do with upstreams
    // found in DNS (when dynamic).
    void check_supported(const std::string& path, bool dynamic) const;
};

} // namespace proxflow
