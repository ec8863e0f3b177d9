#pragma once
#include "modules/reverse_proxy/load_balancing_config.hpp"
#include "modules/reverse_proxy/upstream.hpp"

#include <memory>
#include <vector>

namespace proxflow {

struct RequestContext;

// Picks an available upstream for a request, or nullptr when none is available.
class SelectionPolicy {
public:
    virtual ~SelectionPolicy() = default;
    virtual const Upstream* select(const std::vector<Upstream>& pool, RequestContext& ctx) const = 0;
};

// Builds the policy a validated config names; null is random.
std::unique_ptr<SelectionPolicy> make_selection_policy(const SelectionPolicyConfig* config, std::size_t upstream_count);

} // namespace proxflow
