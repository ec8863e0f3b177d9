// `traffic_dashboard`: a live web page of the engine's traffic at `path`, fed by Server-Sent
// Events from `<path>/events`. The page and its libraries are compiled in (dashboard_assets).
#include "http/request_context.hpp"
#include "module/build_context.hpp"
#include "module/handler.hpp"
#include "modules/traffic_dashboard/dashboard_assets.hpp"
#include "modules/traffic_dashboard/dashboard_events.hpp"
#include "routing/response_writer.hpp"

namespace proxflow {
namespace {

class TrafficDashboard final : public Handler {
public:
    TrafficDashboard(ObjectReader& r, BuildContext& build) : snapshots_(build.snapshots) {
        path_ = r.string("path", "/dashboard");
        if (path_.empty() || path_.front() != '/') throw ConfigError(r.path_of("path"), "path must start with /");
        while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
        interval_ = r.duration("update_interval", interval_);
        if (interval_ < std::chrono::milliseconds(100))
            throw ConfigError(r.path_of("update_interval"), "update_interval must be at least 100ms");
    }

    awaitable<bool> handle(RequestContext& ctx) const override {
        const std::string_view target = ctx.request().target();
        const std::string_view path = target.substr(0, target.find('?'));
        if (!path.starts_with(path_)) co_return false;
        const std::string_view rest = path.substr(path_.size());
        if (!rest.empty() && rest.front() != '/') co_return false;
        if (rest.empty()) {
            http::response<http::string_body> res{http::status::permanent_redirect, 11};
            res.set(http::field::location, path_ + "/");
            co_await write_response(ctx, res);
        } else if (rest == "/events") {
            co_await stream_events(ctx);
        } else {
            co_await serve_asset(ctx, rest == "/" ? std::string_view("index.html") : rest.substr(1));
        }
        co_return true;
    }

private:
    awaitable<void> serve_asset(RequestContext& ctx, std::string_view name) const {
        for (const auto& asset : dashboard_assets()) {
            if (asset.name != name) continue;
            http::response<http::string_body> res{http::status::ok, 11};
            res.set(http::field::content_type, asset.content_type);
            res.set(http::field::cache_control, "no-cache");
            res.body().assign(asset.data);
            co_await write_response(ctx, res);
            co_return;
        }
        co_await write_error(ctx, http::status::not_found);
    }

    static std::int64_t last_event_second(const RequestContext& ctx) {
        const std::string_view id = ctx.request()["Last-Event-ID"];
        if (id.empty()) return 0;
        try {
            return std::stoll(std::string(id)) / 1000;
        } catch (...) {
            return 0;
        }
    }

    // Writes one event at a time and waits for it to leave before making the next, so a slow
    // client costs one pending event of memory; ticks it cannot take are skipped, not queued.
    awaitable<void> stream_events(RequestContext& ctx) const {
        if (!snapshots_) {
            co_await write_error(ctx, http::status::service_unavailable);
            co_return;
        }
        ctx.close_connection = true;
        http::response<http::empty_body> res{http::status::ok, 11};
        res.set(http::field::content_type, "text/event-stream");
        res.set(http::field::cache_control, "no-cache");
        res.set("X-Accel-Buffering", "no");
        finalize_response_header(ctx, res.base());
        http::response_serializer<http::empty_body> sr{res};
        auto [hec, hn] = co_await http::async_write_header(ctx.client, sr, use_nothrow);
        ctx.bytes_written += hn;
        if (hec) co_return;

        // History first: all of it for a new client, the missed seconds for a reconnecting one.
        const auto snap = snapshots_(true);
        const std::int64_t resume_after = last_event_second(ctx);
        std::string events = "retry: 2000\n\n";
        std::int64_t last_point = resume_after;
        for (const auto& point : snap.series) {
            if (point.unix_second <= resume_after) continue;
            events += point_event(point);
            last_point = point.unix_second;
        }
        events += tick_event(snap, last_point);
        asio::steady_timer timer(ctx.client.get_executor());
        for (;;) {
            ctx.client.expires_after(std::chrono::seconds(30));
            auto [ec, n] = co_await asio::async_write(ctx.client, asio::buffer(events), use_nothrow);
            ctx.bytes_written += n;
            ctx.body_bytes_written += n;
            if (ec) break;
            timer.expires_after(interval_);
            co_await timer.async_wait(use_nothrow);
            if (ctx.shutting_down && *ctx.shutting_down) break;
            // The light snapshot holds 10 seconds; a client that fell further behind gets the full one.
            const auto now_second = std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch()).count();
            const auto live = snapshots_(now_second - last_point > 10);
            // Seconds completed since the last event join the history, so a reconnect can resume.
            events.clear();
            for (const auto& point : live.series) {
                if (point.unix_second <= last_point) continue;
                events += point_event(point);
                last_point = point.unix_second;
            }
            events += tick_event(live, last_point);
        }
        ctx.client.expires_never();
    }

    std::string path_;
    std::chrono::nanoseconds interval_{std::chrono::seconds(1)};
    SnapshotSource snapshots_;
};

} // namespace

HandlerPtr make_traffic_dashboard(ObjectReader& r, BuildContext& build) { return std::make_shared<TrafficDashboard>(r, build); }

} // namespace proxflow
