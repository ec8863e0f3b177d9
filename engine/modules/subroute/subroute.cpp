// `subroute`: a nested route list, how Caddy groups a site's routes under its host matcher.
#include "module/handler.hpp"
#include "routing/route_list.hpp"

namespace proxflow {
namespace {

class Subroute final : public Handler {
public:
    Subroute(ObjectReader& r, BuildContext& build) {
        if (const json* routes = r.take("routes")) routes_ = RouteList::from_json(*routes, r.path_of("routes"), build);
        // As the server's own error routes (core/runtime.cpp): refused rather than loaded and never run.
        if (r.has("errors")) throw ConfigError(r.path_of("errors"), "error routes are not supported by ProxFlow yet");
    }
    awaitable<bool> handle(RequestContext& ctx) const override { return routes_.run(ctx); }

private:
    RouteList routes_;
};

} // namespace

HandlerPtr make_subroute(ObjectReader& r, BuildContext& build) { return std::make_shared<Subroute>(r, build); }

} // namespace proxflow
