#pragma once
#include "config/object_reader.hpp"
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

// Builds the policy named by {"policy": "..."} (Caddy's selection_policy); default random.
// Every policy name make_selection_policy knows, in the order the console lists them.
const std::vector<std::string>& selection_policy_names();

std::unique_ptr<SelectionPolicy> make_selection_policy(const json* value, const std::string& path,
                                                       std::size_t upstream_count);

} // namespace proxflow
