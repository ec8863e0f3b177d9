// `subroute`: a nested route list, how Caddy groups a site's routes under its host matcher.
#include "module/handler.hpp"
#include "routing/route_list.hpp"

namespace proxflow {
namespace {

class Subroute final : public Handler {
public:
    Subroute(ObjectReader& r, BuildContext& build) {
        if (const json* routes = r.take("routes")) routes_ = RouteList::from_json(*routes, r.path_of("routes"), build);
        if (const json* errors = r.take("errors")) {
            ObjectReader e(*errors, r.path_of("errors"));
            if (const json* routes = e.take("routes")) error_routes_ = RouteList::from_json(*routes, e.path_of("routes"), build);
            e.finish();
        }
    }
    awaitable<bool> handle(RequestContext& ctx) const override { return routes_.run(ctx); }

private:
    RouteList routes_;
    RouteList error_routes_;
};

} // namespace

HandlerPtr make_subroute(ObjectReader& r, BuildContext& build) { return std::make_shared<Subroute>(r, build); }

} // namespace proxflow
