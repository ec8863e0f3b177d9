#include "server/automatic_https.hpp"

#include "routing/server_runtime.hpp"
#include "tls/tls_app.hpp"

#include <map>
#include <set>

namespace proxflow {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

json redirect_route(const std::vector<std::string>* hosts, const std::string& location) {
    json match = {{"protocol", "http"}};
    if (hosts) match["host"] = *hosts;
    return {{"match", json::array({match})},
            {"handle", json::array({{{"handler", "static_response"},
                                     {"status_code", 308},
                                     {"headers", {{"Location", json::array({location})}, {"Connection", json::array({"close"})}}},
                                     {"close", true}}})}};
}

// Whether a listener covers the port (Caddy on Linux compares ports only, whatever the host).
bool listens_on(const json& server, unsigned port, const std::string& path) {
    if (!server.contains("listen") || !server["listen"].is_array()) return false;
    for (std::size_t i = 0; i < server["listen"].size(); ++i) {
        const auto& a = server["listen"][i];
        if (!a.is_string()) continue;
        for (const auto& addr : ListenAddress::parse(a.get<std::string>(), index_path(join_path(path, "listen"), i)))
            if (addr.port == port) return true;
    }
    return false;
}

} // namespace

AutomaticHttpsPlan plan_automatic_https(const json& http_app, const AutomaticHttpsInputs& in) {
    AutomaticHttpsPlan plan;
    plan.http_app = http_app;
    if (!plan.http_app.contains("servers") || !plan.http_app["servers"].is_object()) return plan;
    json& servers = plan.http_app["servers"];
    std::set<std::string> cert_names;
    // Redirects: each name to the listen address it is served on (the HTTPS port preferred).
    std::map<std::string, ListenAddress> redirect_to;

    for (auto it = servers.begin(); it != servers.end(); ++it) {
        json& srv = it.value();
        if (!srv.is_object()) continue;
        const std::string path = "apps.http.servers." + it.key();
        const json ah = srv.value("automatic_https", json::object());
        if (!ah.is_object() || ah.value("disable", false)) continue;
        const auto listen_values = srv.value("listen", json::array());
        std::vector<ListenAddress> listen;
        if (listen_values.is_array())
            for (std::size_t i = 0; i < listen_values.size(); ++i)
                if (listen_values[i].is_string())
                    for (auto& a : ListenAddress::parse(listen_values[i].get<std::string>(), index_path(join_path(path, "listen"), i)))
                        listen.push_back(a);
        const auto other_than = [&](unsigned port) {
            for (const auto& a : listen)
                if (a.port != port) return true;
            return false;
        };
        if (!other_than(in.http_port)) continue; // only on the HTTP port: plain HTTP
        const bool has_policies = srv.contains("tls_connection_policies");
        if (!has_policies && !other_than(in.https_port)) srv["tls_connection_policies"] = json::array({json::object()});

        const auto skip = ah.contains("skip") && ah["skip"].is_array() ? ah["skip"].get<std::vector<std::string>>() : std::vector<std::string>{};
        const auto skip_certs = ah.contains("skip_certificates") && ah["skip_certificates"].is_array()
                                    ? ah["skip_certificates"].get<std::vector<std::string>>() : std::vector<std::string>{};
        std::set<std::string> domains;
        if (srv.contains("routes") && srv["routes"].is_array())
            for (const auto& route : srv["routes"])
                if (route.is_object() && route.contains("match") && route["match"].is_array())
                    for (const auto& set : route["match"])
                        if (set.is_object() && set.contains("host") && set["host"].is_array())
                            for (const auto& h : set["host"])
                                if (h.is_string() && !contains(skip, h.get<std::string>())) domains.insert(h.get<std::string>());
        if (domains.empty()) continue;
        if (ah.value("disable_certificates", false) == false)
            for (const auto& d : domains) {
                if (!tls::subject_qualifies_for_cert(d) || contains(skip_certs, d)) continue;
                if (!ah.value("ignore_loaded_certificates", false) && in.has_loaded_certificate && in.has_loaded_certificate(d)) continue;
                if (d.find('{') != std::string::npos)
                    throw ConfigError(path, "host \"" + d + "\" has a placeholder: automatic HTTPS of such names is not supported by ProxFlow yet");
                cert_names.insert(d);
            }
        if (!srv.contains("tls_connection_policies")) srv["tls_connection_policies"] = json::array({json::object()});
        if (ah.value("disable_redirects", false)) continue;
        for (const auto& addr : listen)
            for (const auto& d : domains)
                if (!redirect_to.contains(d) || addr.port == in.https_port) redirect_to[d] = addr;
    }
    plan.cert_names.assign(cert_names.begin(), cert_names.end());
    if (redirect_to.empty()) return plan;

    // One redirect route per HTTPS address, served from the same host on the HTTP port.
    std::map<std::string, std::pair<ListenAddress, std::vector<std::string>>> by_address;
    for (const auto& [domain, addr] : redirect_to) {
        auto& entry = by_address[addr.key()];
        entry.first = addr;
        entry.second.push_back(domain);
    }
    std::map<std::string, json> routes_by_redirect_address;
    for (auto& [key, entry] : by_address) {
        const auto& [addr, domains] = entry;
        std::string location = "https://{http.request.host}";
        if (addr.port != in.https_port) location += ":" + std::to_string(addr.port);
        location += "{http.request.uri}";
        ListenAddress from = addr;
        from.port = static_cast<unsigned short>(in.http_port);
        auto& routes = routes_by_redirect_address[from.key()];
        if (routes.is_null()) routes = json::array();
        routes.push_back(redirect_route(&domains, location));
    }
    // Names not in the config (on-demand TLS) still get redirected, to the app's HTTPS port.
    std::string catch_all = "https://{http.request.host}";
    if (in.https_port != 443) catch_all += ":" + std::to_string(in.https_port);
    catch_all += "{http.request.uri}";

    json leftover_listen = json::array(), leftover_routes = json::array();
    for (auto& [address, routes] : routes_by_redirect_address) {
        bool appended = false;
        for (auto it = servers.begin(); it != servers.end() && !appended; ++it) {
            if (!listens_on(it.value(), in.http_port, "apps.http.servers." + it.key())) continue;
            // A server already on the HTTP port keeps its own routes first, then the redirects.
            json& srv_routes = it.value()["routes"];
            if (srv_routes.is_null()) srv_routes = json::array();
            for (auto& r : routes) srv_routes.push_back(r);
            srv_routes.push_back(redirect_route(nullptr, catch_all));
            appended = true;
        }
        if (appended) continue;
        leftover_listen.push_back(address);
        for (auto& r : routes) leftover_routes.push_back(r);
    }
    if (!leftover_listen.empty()) {
        leftover_routes.push_back(redirect_route(nullptr, catch_all));
        servers["remaining_auto_https_redirects"] = {{"listen", leftover_listen}, {"routes", leftover_routes}};
    }
    return plan;
}

} // namespace proxflow
