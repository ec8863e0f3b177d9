#include "modules/reverse_proxy/health_checks.hpp"

#include "http/status_code.hpp"
#include "module/periodic_task.hpp"

#include <atomic>

namespace proxflow {

PassiveHealthConfig PassiveHealthConfig::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    PassiveHealthConfig c;
    c.fail_duration = r.duration("fail_duration");
    c.max_fails = static_cast<int>(r.integer("max_fails", 1));
    c.unhealthy_request_count = static_cast<int>(r.integer("unhealthy_request_count"));
    c.unhealthy_status = r.integers("unhealthy_status");
    c.unhealthy_latency = r.duration("unhealthy_latency");
    r.finish();
    if (c.max_fails < 1) c.max_fails = 1;
    return c;
}

bool PassiveHealthConfig::status_is_failure(unsigned status) const { return any_status_matches(status, unhealthy_status); }

void PassiveHealthConfig::count_failure(const std::shared_ptr<UpstreamHost>& host, const asio::any_io_executor& ex) const {
    if (!enabled()) return;
    host->fails.fetch_add(1, std::memory_order_relaxed);
    auto timer = std::make_shared<asio::steady_timer>(ex, fail_duration);
    timer->async_wait([timer, host](error_code) { host->fails.fetch_sub(1, std::memory_order_relaxed); });
}

ActiveHealthConfig ActiveHealthConfig::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    ActiveHealthConfig c;
    c.uri = r.string("uri");
    const std::string legacy_path = r.string("path");
    if (c.uri.empty()) c.uri = legacy_path;
    c.port = static_cast<int>(r.integer("port"));
    if (c.port < 0 || c.port > 65535) throw ConfigError(r.path_of("port"), "invalid port");
    if (const json* headers = r.take("headers")) {
        const std::string hpath = r.path_of("headers");
        expect_object(*headers, hpath);
        for (auto it = headers->begin(); it != headers->end(); ++it) {
            expect_array(it.value(), join_path(hpath, it.key()));
            for (const auto& v : it.value()) c.headers.emplace_back(it.key(), v.get<std::string>());
        }
    }
    c.interval = r.duration("interval", c.interval);
    c.timeout = r.duration("timeout", c.timeout);
    c.max_size = static_cast<std::size_t>(r.integer("max_size", static_cast<std::int64_t>(c.max_size)));
    c.expect_status = static_cast<int>(r.integer("expect_status"));
    c.expect_body_text = r.string("expect_body");
    if (!c.expect_body_text.empty()) {
        try {
            c.expect_body = std::regex(c.expect_body_text);
        } catch (const std::regex_error& e) {
            throw ConfigError(r.path_of("expect_body"), std::string("invalid regular expression: ") + e.what());
        }
    }
    if (c.interval.count() <= 0) throw ConfigError(r.path_of("interval"), "interval must be positive");
    r.finish();
    return c;
}

namespace {

class ActiveHealthChecker final : public PeriodicTask {
public:
    ActiveHealthChecker(ActiveHealthConfig config, std::vector<Upstream> upstreams, asio::io_context& io)
        : PeriodicTask(io), config_(std::move(config)), upstreams_(std::move(upstreams)) {}

private:
    awaitable<std::chrono::steady_clock::time_point> round() override {
        for (const auto& up : upstreams_) {
            if (stopped()) break;
            // A dial with placeholders names no one address to check (Caddy skips it too).
            if (up.dial_template) continue;
            const bool ok = co_await check(up);
            up.host->active_unhealthy.store(!ok, std::memory_order_relaxed);
        }
        co_return std::chrono::steady_clock::now() + config_.interval;
    }

    awaitable<bool> check(const Upstream& up) {
        auto ex = co_await asio::this_coro::executor;
        beast::tcp_stream stream(ex);
        stream.expires_after(config_.timeout);
        const std::string port = config_.port ? std::to_string(config_.port) : up.port;
        tcp::resolver resolver(ex);
        auto [rec, results] = co_await resolver.async_resolve(up.hostname, port, use_nothrow);
        if (rec) co_return false;
        auto [cec, endpoint] = co_await stream.async_connect(results, use_nothrow);
        if (cec) co_return false;
        http::request<http::empty_body> req{http::verb::get, config_.uri, 11};
        req.set(http::field::host, up.hostname + ":" + port);
        req.set(http::field::user_agent, "ProxFlow-health-check");
        for (const auto& [name, value] : config_.headers) req.set(name, value);
        auto [wec, wn] = co_await http::async_write(stream, req, use_nothrow);
        if (wec) co_return false;
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(config_.max_size);
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_nothrow);
        if (ec) co_return false;
        const unsigned status = parser.get().result_int();
        // Without health_status, any 2xx is healthy (Caddy's default).
        if (!status_matches(status, config_.expect_status ? config_.expect_status : 2)) co_return false;
        if (config_.expect_body && !std::regex_search(parser.get().body(), *config_.expect_body)) co_return false;
        co_return true;
    }

    ActiveHealthConfig config_;
    std::vector<Upstream> upstreams_;
};

} // namespace

std::shared_ptr<BackgroundTask> make_active_health_checker(const ActiveHealthConfig& config, std::vector<Upstream> upstreams,
                                                           asio::io_context& io) {
    return std::make_shared<ActiveHealthChecker>(config, std::move(upstreams), io);
}

} // namespace proxflow
