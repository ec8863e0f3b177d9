#pragma once
#include "http/handler.hpp"
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

private:
    struct Route {
        MatcherSets match;
        std::vector<HandlerPtr> handle;
        std::string group;
        bool terminal = false;
    };
    std::vector<Route> routes_;
};

} // namespace proxflow
