#include "core/admin_server.hpp"

#include "admin/config_api.hpp"
#include "caddyfile/adapter.hpp"
#include "core/engine.hpp"
#include "metrics/prometheus.hpp"
#include "routing/server_runtime.hpp"

#include <atomic>

namespace proxflow {

struct AdminServer::Listener {
    Listener(asio::io_context& io, AdminSettings settings) : acceptor(io), settings(std::move(settings)) {}
    tcp::acceptor acceptor;
    AdminSettings settings;
    std::vector<std::string> allowed_hosts;
};

namespace {

using StringRequest = http::request<http::string_body>;
using StringResponse = http::response<http::string_body>;

std::vector<std::string> allowed_hosts_for(const AdminSettings& settings, unsigned short port) {
    const std::string p = std::to_string(port);
    std::vector<std::string> hosts{settings.listen, "localhost:" + p, "127.0.0.1:" + p, "[::1]:" + p};
    for (const auto& origin : settings.origins) hosts.push_back(origin);
    return hosts;
}

bool allowed(const std::vector<std::string>& hosts, std::string_view value) {
    for (const auto& h : hosts)
        if (value == h) return true;
    return false;
}

// Origin is a URL ("http://localhost:2019"); compare its host:port.
std::string_view origin_hostport(std::string_view origin) {
    const auto scheme = origin.find("://");
    if (scheme != std::string_view::npos) origin.remove_prefix(scheme + 3);
    return origin.substr(0, origin.find('/'));
}

StringResponse json_response(unsigned status, const json& body, bool keep_alive) {
    StringResponse res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(keep_alive);
    res.body() = body.is_null() && status == 200 ? std::string{} : body.dump() + "\n";
    res.prepare_payload();
    return res;
}

StringResponse error_response(unsigned status, const std::string& message, bool keep_alive) {
    return json_response(status, json{{"error", message}}, keep_alive);
}

StringResponse handle(Engine& engine, const std::vector<std::string>& hosts, const StringRequest& req, bool& stop_after) {
    const bool ka = req.keep_alive();
    if (!allowed(hosts, req[http::field::host]))
        return error_response(403, "host not allowed: " + std::string(req[http::field::host]), ka);
    if (!req[http::field::origin].empty() && !allowed(hosts, origin_hostport(req[http::field::origin])))
        return error_response(403, "origin not allowed: " + std::string(req[http::field::origin]), ka);

    std::string target(req.target());
    target = target.substr(0, target.find('?'));
    const std::string method(req.method_string());

    if (target == "/stop") {
        if (method != "POST") return error_response(405, "method not allowed", ka);
        stop_after = true;
        return json_response(200, nullptr, false);
    }
    if (target == "/metrics") {
        if (method != "GET") return error_response(405, "method not allowed", ka);
        StringResponse res{http::status::ok, 11};
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.keep_alive(ka);
        res.body() = metrics::render_prometheus(engine.metrics_snapshot());
        res.prepare_payload();
        return res;
    }
    if (json status = engine.module_status(target); !status.is_null()) {
        if (method != "GET") return error_response(405, "method not allowed", ka);
        return json_response(200, status, ka);
    }
    try {
        if (target == "/load") {
            if (method != "POST") return error_response(405, "method not allowed", ka);
            const std::string_view type = req[http::field::content_type];
            json config;
            if (type.starts_with("text/caddyfile")) {
                config = caddyfile::adapt(req.body(), "Caddyfile");
            } else if (type.empty() || type.starts_with("application/json")) {
                config = json::parse(req.body());
            } else {
                return error_response(400, "unsupported Content-Type \"" + std::string(type) +
                                               "\" (use application/json or text/caddyfile)", ka);
            }
            engine.load(config);
            return json_response(200, nullptr, ka);
        }
        if (target == "/config" || target.starts_with("/config/")) {
            json changed;
            AdminReply reply = apply_config_request(method, target.substr(7), req.body(), engine.config(), changed);
            if (reply.status != 200 || method == "GET") return json_response(reply.status, reply.body, ka);
            engine.load(changed);
            return json_response(200, nullptr, ka);
        }
    } catch (const ConfigError& e) {
        return error_response(400, std::string("loading config: ") + e.what(), ka);
    } catch (const caddyfile::AdaptError& e) {
        return error_response(400, std::string("adapting Caddyfile: ") + e.what(), ka);
    } catch (const json::exception& e) {
        return error_response(400, std::string("request body is not valid JSON: ") + e.what(), ka);
    }
    return error_response(404, "not found: " + target, ka);
}

awaitable<void> serve_admin_client(Engine& engine, std::shared_ptr<AdminServer::Listener> listener, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(64 << 20);
        stream.expires_after(std::chrono::seconds(30));
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_nothrow);
        if (ec) {
            if (ec != http::error::end_of_stream && ec != beast::error::timeout && ec != asio::error::eof) {
                auto res = error_response(400, "malformed request: " + ec.message(), false);
                co_await http::async_write(stream, res, use_nothrow);
            }
            break;
        }
        bool stop_after = false;
        StringResponse res = handle(engine, listener->allowed_hosts, parser.get(), stop_after);
        auto [wec, wn] = co_await http::async_write(stream, res, use_nothrow);
        if (stop_after) {
            engine.stop();
            break;
        }
        if (wec || !res.keep_alive()) break;
    }
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

awaitable<void> admin_accept_loop(Engine& engine, std::shared_ptr<AdminServer::Listener> listener) {
    for (;;) {
        auto [ec, socket] = co_await listener->acceptor.async_accept(use_nothrow);
        if (ec == asio::error::operation_aborted || !listener->acceptor.is_open()) co_return;
        if (ec) continue;
        asio::co_spawn(listener->acceptor.get_executor(), serve_admin_client(engine, listener, std::move(socket)), asio::detached);
    }
}

} // namespace

AdminServer::AdminServer(Engine& engine, asio::io_context& io) : engine_(engine), io_(io) {}

AdminServer::~AdminServer() { stop(); }

void AdminServer::configure(const AdminSettings& settings, const AdminSettings* previous) {
    std::lock_guard lock(mutex_);
    if (previous && previous->disabled == settings.disabled && previous->listen == settings.listen && listener_) {
        listener_->settings = settings;
        return;
    }
    std::shared_ptr<Listener> fresh;
    if (!settings.disabled) {
        const auto addrs = ListenAddress::parse(settings.listen, "admin.listen");
        if (addrs.size() != 1) throw ConfigError("admin.listen", "the admin API listens on exactly one address");
        fresh = std::make_shared<Listener>(io_, settings);
        const auto& addr = addrs.front();
        const auto ip = addr.host.empty() ? asio::ip::address(asio::ip::address_v4::loopback()) : asio::ip::make_address(addr.host);
        try {
            tcp::endpoint endpoint(ip, addr.port);
            fresh->acceptor.open(endpoint.protocol());
            fresh->acceptor.set_option(asio::socket_base::reuse_address(true));
            fresh->acceptor.bind(endpoint);
            fresh->acceptor.listen();
        } catch (const boost::system::system_error& e) {
            throw ConfigError("admin.listen", "cannot listen on " + settings.listen + ": " + e.code().message());
        }
        fresh->allowed_hosts = allowed_hosts_for(settings, fresh->acceptor.local_endpoint().port());
    }
    if (listener_) {
        auto old = listener_;
        asio::post(io_, [old] {
            error_code ignored;
            old->acceptor.close(ignored);
        });
    }
    listener_ = fresh;
    if (fresh) asio::co_spawn(io_, admin_accept_loop(engine_, fresh), asio::detached);
}

void AdminServer::stop() {
    std::lock_guard lock(mutex_);
    if (!listener_) return;
    auto old = std::move(listener_);
    asio::post(io_, [old] {
        error_code ignored;
        old->acceptor.close(ignored);
    });
}

} // namespace proxflow
