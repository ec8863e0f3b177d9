#include "server/runtime.hpp"

#include "logging/access_log.hpp"
#include "module/registry.hpp"
#include "server/automatic_https.hpp"
#include "tls/acme/challenge_store.hpp"
#include "tls/server_tls.hpp"
#include "tls/tls_app.hpp"

#include <unistd.h>

namespace proxflow {
namespace {

AdminSettings read_admin(const json* value, const std::string& path) {
    AdminSettings admin;
    if (!value) return admin;
    ObjectReader r(*value, path);
    admin.disabled = r.boolean("disabled");
    admin.listen = r.string("listen", admin.listen);
    admin.enforce_origin = r.boolean("enforce_origin");
    admin.origins = r.strings("origins");
    if (const json* cfg = r.take("config")) {
        ObjectReader c(*cfg, r.path_of("config"));
        if (c.boolean("persist")) throw ConfigError(c.path_of("persist"), "persisting the config is not supported by ProxFlow yet");
        if (c.has("load")) throw ConfigError(c.path_of("load"), "config loaders are not supported by ProxFlow yet");
        c.finish();
    }
    r.finish();
    return admin;
}

std::string local_hostname() {
    char name[256] = {};
    ::gethostname(name, sizeof(name) - 1);
    return name;
}

// A server serves TLS when it has connection policies, given or added by automatic HTTPS.
std::shared_ptr<const tls::ServerTls> read_tls_policies(const json& value, const std::string& path, const tls::TlsApp& tls_app,
                                                        std::shared_ptr<metrics::ServerMetrics> metrics) {
    expect_array(value, path);
    auto tls = std::make_shared<tls::ServerTls>();
    tls->metrics = std::move(metrics);
    for (std::size_t i = 0; i < value.size(); ++i) tls->policies.push_back(tls::ConnectionPolicy::from_json(value[i], index_path(path, i)));
    tls->cache = tls_app.cache();
    tls->on_demand = tls_app.on_demand();
    tls->acme_tls_alpn = [](std::string_view name) { return tls::acme::ChallengeStore::shared().tls_alpn_certificate(name); };
    return tls;
}

std::shared_ptr<ServerRuntime> read_server(const std::string& name, const json& value, const std::string& path,
                                           const json* logging, BuildContext& build, const tls::TlsApp& tls_app,
                                           std::shared_ptr<metrics::ServerMetrics> metrics) {
    ObjectReader r(value, path);
    auto server = std::make_shared<ServerRuntime>();
    server->name = name;
    server->metrics = std::move(metrics);
    server->hostname = local_hostname();
    const auto listen = r.strings("listen");
    if (listen.empty()) throw ConfigError(r.path_of("listen"), "a server needs at least one listen address");
    for (std::size_t i = 0; i < listen.size(); ++i)
        for (auto& addr : ListenAddress::parse(listen[i], index_path(r.path_of("listen"), i))) server->listen.push_back(addr);
    if (const json* routes = r.take("routes")) server->routes = RouteList::from_json(*routes, r.path_of("routes"), build);
    if (r.has("errors")) throw ConfigError(r.path_of("errors"), "error routes are not supported by ProxFlow yet");
    if (const json* policies = r.take("tls_connection_policies"))
        server->tls = read_tls_policies(*policies, r.path_of("tls_connection_policies"), tls_app, server->metrics);
    if (const json* ah = r.take("automatic_https")) {
        // Applied by plan_automatic_https before the servers are read; here only checked.
        ObjectReader a(*ah, r.path_of("automatic_https"));
        a.boolean("disable");
        a.boolean("disable_redirects");
        a.boolean("disable_certificates");
        a.boolean("ignore_loaded_certificates");
        a.strings("skip");
        a.strings("skip_certificates");
        a.finish();
    }
    server->timeouts.read_header = r.duration("read_header_timeout", server->timeouts.read_header);
    server->timeouts.read_body = r.duration("read_timeout");
    server->timeouts.write = r.duration("write_timeout");
    server->timeouts.idle = r.duration("idle_timeout", server->timeouts.idle);
    server->max_header_bytes = static_cast<std::size_t>(r.integer("max_header_bytes", static_cast<std::int64_t>(server->max_header_bytes)));
    if (r.has("keepalive_interval"))
        throw ConfigError(r.path_of("keepalive_interval"), "keepalive_interval is not supported by ProxFlow yet (TCP keep-alive probes keep the system's defaults)");
    if (const json* logs = r.take("logs")) server->access_log = AccessLog::from_json(*logs, r.path_of("logs"), logging);
    server->client_ip.read(r);
    // HTTP/1.1 (and 1.0) is all ProxFlow serves: a server that asks for more must not load as if it got it.
    const auto protocols = r.strings("protocols");
    for (std::size_t i = 0; i < protocols.size(); ++i)
        if (protocols[i] != "h1")
            throw ConfigError(index_path(r.path_of("protocols"), i),
                              "protocol \"" + protocols[i] + "\" is not supported by ProxFlow yet (only h1)");
    r.finish();
    return server;
}

// Every module's app, from its JSON under apps (taken from `apps`) or with its defaults when absent.
void build_module_apps(ObjectReader* apps, BuildContext& build, Runtime& runtime) {
    for (const auto& module : modules())
        for (const auto& app : module.apps)
            runtime.apps[app.name] = app.build(apps ? apps->take(app.name) : nullptr, "apps." + app.name, build);
    runtime.traffic = std::static_pointer_cast<const TrafficMetricsConfig>(runtime.apps.at("traffic_metrics"));
}

// Caddy's events app: ProxFlow emits no events, so an app without subscriptions is all it runs.
void check_events_app(const json& events, const std::string& path) {
    ObjectReader e(events, path);
    if (const json* subscriptions = e.take("subscriptions"); subscriptions && !subscriptions->empty())
        throw ConfigError(e.path_of("subscriptions"), "event subscriptions are not supported by ProxFlow yet");
    e.finish();
}

} // namespace

std::shared_ptr<Runtime> Runtime::build(const json& config, UsagePool& state, asio::io_context& background,
                                       metrics::ServerMetricsRegistry* server_metrics, SnapshotSource snapshots) {
    auto runtime = std::make_shared<Runtime>();
    runtime->config = config;
    if (config.is_null()) return runtime;
    ObjectReader top(config, "");
    runtime->admin = read_admin(top.take("admin"), "admin");
    const json* logging = top.take("logging");
    if (logging) AccessLog::validate_logging(*logging, "logging");
    BuildContext build(state, background, std::move(snapshots));
    const tls::Storage storage = tls::Storage::from_json(top.take("storage"), "storage");
    const json* apps = top.take("apps");
    if (apps) {
        ObjectReader a(*apps, "apps");
        runtime->tls = tls::TlsApp::from_json(a.take("tls"), a.take("pki"), storage, build);
        if (const json* given_http_app = a.take("http")) {
            AutomaticHttpsInputs inputs;
            {
                ObjectReader ports(*given_http_app, "apps.http");
                inputs.http_port = static_cast<unsigned>(ports.integer("http_port", 80));
                inputs.https_port = static_cast<unsigned>(ports.integer("https_port", 443));
            }
            inputs.has_loaded_certificate = [&](const std::string& name) { return runtime->tls->has_loaded_certificate(name); };
            const AutomaticHttpsPlan plan = plan_automatic_https(*given_http_app, inputs);
            runtime->tls->manage(plan.cert_names, true, "apps.http");
            const json* http_app = &plan.http_app;
            ObjectReader h(*http_app, "apps.http");
            h.integer("https_port", 443);
            h.integer("http_port", 80);
            runtime->grace_period = h.duration("grace_period", runtime->grace_period);
            runtime->shutdown_delay = h.duration("shutdown_delay");
            if (const json* servers = h.take("servers")) {
                ObjectReader s(*servers, "apps.http.servers");
                for (auto it = servers->begin(); it != servers->end(); ++it) {
                    const std::string spath = s.path_of(it.key());
                    s.skip(it.key());
                    auto server = read_server(it.key(), it.value(), spath, logging, build, *runtime->tls,
                                              server_metrics ? server_metrics->server(it.key())
                                                             : std::make_shared<metrics::ServerMetrics>(it.key()));
                    server->routes.attach_metrics(server_metrics, it.key());
                    for (std::size_t i = 0; i < server->listen.size(); ++i) {
                        const auto key = server->listen[i].key();
                        if (runtime->by_listener.contains(key))
                            throw ConfigError(join_path(spath, "listen"), "address " + key + " is used by two servers");
                        runtime->by_listener[key] = server.get();
                    }
                    runtime->servers.push_back(std::move(server));
                }
            }
            h.finish();
        }
        if (const json* events = a.take("events")) check_events_app(*events, a.path_of("events"));
        build_module_apps(&a, build, *runtime);
        a.finish();
    } else {
        build_module_apps(nullptr, build, *runtime);
    }
    top.finish();
    runtime->tasks = std::move(build.tasks);
    return runtime;
}

} // namespace proxflow
