// `metrics`: the engine's Prometheus metrics on a site route (Caddy's metrics handler), the same
// exposition the admin API serves at /metrics. ProxFlow writes only the 0.0.4 text format, so
// `disable_openmetrics` asks for what it does anyway.
#include "http/request_context.hpp"
#include "metrics/prometheus.hpp"
#include "module/build_context.hpp"
#include "module/handler.hpp"
#include "routing/response_writer.hpp"

namespace proxflow {
namespace {

class MetricsHandler final : public Handler {
public:
    MetricsHandler(ObjectReader& r, BuildContext& build) : snapshots_(build.snapshots) { r.boolean("disable_openmetrics"); }

    awaitable<bool> handle(RequestContext& ctx) const override {
        http::response<http::string_body> res{http::status::ok, 11};
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        if (snapshots_) res.body() = metrics::render_prometheus(snapshots_(false));
        res.prepare_payload();
        co_await write_response(ctx, res);
        co_return true;
    }

private:
    SnapshotSource snapshots_;
};

} // namespace

HandlerPtr make_metrics(ObjectReader& r, BuildContext& build) { return std::make_shared<MetricsHandler>(r, build); }

} // namespace proxflow
