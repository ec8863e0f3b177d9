#include "routing/route_list.hpp"

#include "http/request_context.hpp"
#include "routing/response_writer.hpp"

#include <algorithm>
#include <utility>

namespace proxflow {

RouteList RouteList::from_json(const json& value, const std::string& path, BuildContext& build) {
    expect_array(value, path);
    RouteList list;
    for (std::size_t i = 0; i < value.size(); ++i) {
        ObjectReader r(value[i], index_path(path, i));
        Route route;
        if (const json* match = r.take("match")) route.match = MatcherSets::from_json(*match, r.path_of("match"));
        if (const json* handle = r.take("handle")) {
            const std::string hpath = r.path_of("handle");
            expect_array(*handle, hpath);
            for (std::size_t h = 0; h < handle->size(); ++h)
                route.handle.push_back(build_handler((*handle)[h], index_path(hpath, h), build));
        }
        route.group = r.string("group");
        route.terminal = r.boolean("terminal");
        r.finish();
        list.routes_.push_back(std::move(route));
    }
    return list;
}

void RouteList::attach_metrics(metrics::ServerMetricsRegistry* registry, const std::string& server_name) {
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const std::string name = server_name + " routes[" + std::to_string(i) + "]";
        routes_[i].metrics = registry ? registry->route(name) : std::make_shared<metrics::ServerMetrics>(name);
    }
}

awaitable<bool> RouteList::run(RequestContext& ctx) const {
    std::vector<std::string_view> groups_used;
    for (const auto& route : routes_) {
        // Matchers run before the group is checked, as Caddy's wrapRoute does: a later route of a used
        // group still sets its matchers' placeholders (try_files' {http.matchers.file.*}) or error.
        if (!route.match.match(ctx)) {
            // A matcher may end the request with an error status instead (Caddy's MatcherErrorVarKey).
            if (const unsigned status = std::exchange(ctx.matcher_error_status, 0u)) {
                co_await write_error(ctx, static_cast<http::status>(status));
                co_return true;
            }
            continue;
        }
        if (!route.group.empty()) {
            if (std::find(groups_used.begin(), groups_used.end(), route.group) != groups_used.end()) continue;
            groups_used.push_back(route.group);
        }
        if (route.metrics && !ctx.route_metrics) ctx.route_metrics = route.metrics.get();
        for (const auto& handler : route.handle)
            if (co_await handler->handle(ctx)) co_return true;
        if (route.terminal) co_return true;
    }
    co_return false;
}

} // namespace proxflow
