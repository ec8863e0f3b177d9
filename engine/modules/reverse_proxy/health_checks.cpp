#include "modules/reverse_proxy/health_checks.hpp"

#include "http/status_code.hpp"
#include "module/periodic_task.hpp"

#include <algorithm>
#include <atomic>

namespace proxflow {

PassiveHealthCheck::PassiveHealthCheck(const HealthChecksConfig::Passive& c)
    : fail_duration(c.fail_duration), max_fails(std::max(c.max_fails, 1)), unhealthy_request_count(c.unhealthy_request_count),
      unhealthy_status(c.unhealthy_status), unhealthy_latency(c.unhealthy_latency) {}

void PassiveHealthCheck::limit(Upstream& up) const {
    if (enabled()) up.max_fails = max_fails;
    up.unhealthy_request_count = unhealthy_request_count;
    up.publish_limits();
}

bool PassiveHealthCheck::status_is_failure(unsigned status) const { return any_status_matches(status, unhealthy_status); }

void PassiveHealthCheck::count_failure(const std::shared_ptr<UpstreamHost>& host, const asio::any_io_executor& ex) const {
    if (!enabled()) return;
    host->fails.fetch_add(1, std::memory_order_relaxed);
    auto timer = std::make_shared<asio::steady_timer>(ex, fail_duration);
    timer->async_wait([timer, host](error_code) { host->fails.fetch_sub(1, std::memory_order_relaxed); });
}

ActiveHealthCheck::ActiveHealthCheck(const HealthChecksConfig::Active& c)
    : uri(c.uri.empty() ? c.path : c.uri), port(c.port) {
    for (const auto& [name, values] : c.headers)
        for (const auto& value : values) headers.emplace_back(name, value);
    if (c.interval.count()) interval = c.interval;
    if (c.timeout.count()) timeout = c.timeout;
    if (c.max_size) max_size = static_cast<std::size_t>(c.max_size);
    expect_status = c.expect_status;
    if (!c.expect_body.empty()) expect_body = std::regex(c.expect_body);
}

namespace {

class ActiveHealthChecker final : public PeriodicTask {
public:
    ActiveHealthChecker(ActiveHealthCheck check, std::vector<Upstream> upstreams, asio::io_context& io)
        : PeriodicTask(io), check_(std::move(check)), upstreams_(std::move(upstreams)) {}

private:
    awaitable<std::chrono::steady_clock::time_point> round() override {
        for (const auto& up : upstreams_) {
            if (stopped()) break;
            // A dial with placeholders names no one address to check (Caddy skips it too).
            if (up.dial_template) continue;
            const bool ok = co_await check(up);
            up.host->active_unhealthy.store(!ok, std::memory_order_relaxed);
        }
        co_return std::chrono::steady_clock::now() + check_.interval;
    }

    awaitable<bool> check(const Upstream& up) {
        auto ex = co_await asio::this_coro::executor;
        beast::tcp_stream stream(ex);
        stream.expires_after(check_.timeout);
        const std::string port = check_.port ? std::to_string(check_.port) : up.port;
        tcp::resolver resolver(ex);
        auto [rec, results] = co_await resolver.async_resolve(up.hostname, port, use_nothrow);
        if (rec) co_return false;
        auto [cec, endpoint] = co_await stream.async_connect(results, use_nothrow);
        if (cec) co_return false;
        http::request<http::empty_body> req{http::verb::get, check_.uri, 11};
        req.set(http::field::host, up.hostname + ":" + port);
        req.set(http::field::user_agent, "ProxFlow-health-check");
        for (const auto& [name, value] : check_.headers) req.set(name, value);
        auto [wec, wn] = co_await http::async_write(stream, req, use_nothrow);
        if (wec) co_return false;
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(check_.max_size);
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_nothrow);
        if (ec) co_return false;
        const unsigned status = parser.get().result_int();
        // Without health_status, any 2xx is healthy (Caddy's default).
        if (!status_matches(status, check_.expect_status ? check_.expect_status : 2)) co_return false;
        if (check_.expect_body && !std::regex_search(parser.get().body(), *check_.expect_body)) co_return false;
        co_return true;
    }

    ActiveHealthCheck check_;
    std::vector<Upstream> upstreams_;
};

} // namespace

std::shared_ptr<BackgroundTask> make_active_health_checker(const ActiveHealthCheck& check, std::vector<Upstream> upstreams,
                                                           asio::io_context& io) {
    return std::make_shared<ActiveHealthChecker>(check, std::move(upstreams), io);
}

} // namespace proxflow
