#pragma once
#include "module/handler.hpp"
#include "metrics/server_metrics.hpp"
#include "routing/matcher.hpp"

#include <string>
#include <vector>

namespace proxflow {

// Caddy's route list: routes run in order; every matching route's handlers join the chain, a
// `terminal` route ends it, and only the first matching route of a `group` runs.
class RouteList {
public:
    static RouteList from_json(const json& value, const std::string& path, BuildContext& build);
    // Returns true when the chain ended (a response was written or a terminal route ran).
    awaitable<bool> run(RequestContext& ctx) const;
    bool empty() const { return routes_.empty(); }
    // Gives each route its counters (a server's top-level routes: "srv0 routes[2]").
    void attach_metrics(metrics::ServerMetricsRegistry* registry, const std::string& server_name);

private:
    struct Route {
        MatcherSets match;
        std::vector<HandlerPtr> handle;
        std::string group;
        bool terminal = false;
        std::shared_ptr<metrics::ServerMetrics> metrics;
    };
    std::vector<Route> routes_;
};

} // namespace proxflow
