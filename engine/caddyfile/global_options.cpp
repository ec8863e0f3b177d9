// The global options block: admin, auto_https, debug, ports, grace periods, default_bind, order,
// servers, log (log_directive.cpp), and the apps of ProxFlow's modules (parse_module_global_option); the certificate options are read in tls_options.cpp.
#include "caddyfile/global_options.hpp"

#include "caddyfile/directives.hpp"
#include "caddyfile/dispenser.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/helper.hpp"
#include "caddyfile/log_directive.hpp"
#include "caddyfile/tls_options.hpp"

#include <algorithm>

namespace proxflow::caddyfile {

const std::vector<std::string>& default_directive_order() {
    static const std::vector<std::string> order = [] {
        std::vector<std::string> order{
        "tracing", "map", "vars", "root", "skip_log", "header", "copy_response_headers", "request_body", "redir",
        "method", "rewrite", "uri", "try_files", "basicauth", "forward_auth", "request_header", "encode", "push",
        "templates", "handle", "handle_path", "route", "abort", "error", "copy_response", "respond",
        "metrics", "reverse_proxy", "php_fastcgi", "file_server", "acme_server"};
        // A module's own directive goes where its descriptor says (Caddy's RegisterDirectiveOrder).
        for (const auto& directive : module_directives())
            if (!directive.order_after.empty())
                order.insert(std::find(order.begin(), order.end(), directive.order_after) + 1, directive.name);
        return order;
    }();
    return order;
}

namespace {

std::string single(Dispenser& d) {
    if (!d.next_arg()) d.wrong_args();
    std::string v = d.val();
    if (d.next_arg()) d.wrong_args();
    return v;
}

int port(Dispenser& d) {
    const std::string v = single(d);
    try {
        return std::stoi(v);
    } catch (...) {
        d.fail("converting port '" + v + "' to integer value");
    }
}

void apply_order(Dispenser& d, std::vector<std::string>& order) {
    if (!d.next_arg()) d.wrong_args();
    const std::string dir = d.val();
    if (!d.next_arg()) d.wrong_args();
    const std::string position = d.val();
    std::string other;
    if (position == "before" || position == "after") {
        if (!d.next_arg()) d.wrong_args();
        other = d.val();
    } else if (position != "first" && position != "last") {
        d.fail("unknown position '" + position + "' (want first, last, before or after)");
    }
    order.erase(std::remove(order.begin(), order.end(), dir), order.end());
    if (position == "first") order.insert(order.begin(), dir);
    else if (position == "last") order.push_back(dir);
    else {
        auto it = std::find(order.begin(), order.end(), other);
        if (it == order.end()) d.fail("directive '" + other + "' not found");
        order.insert(position == "before" ? it : it + 1, dir);
    }
}

nlohmann::json parse_admin(Dispenser& d) {
    nlohmann::json admin = nlohmann::json::object();
    if (d.next_arg()) {
        if (d.val() == "off") {
            admin["disabled"] = true;
            if (d.next()) d.fail("No more option is allowed after turning off admin config");
        } else {
            admin["listen"] = d.val();
            if (d.next_arg()) d.wrong_args();
        }
    }
    while (d.next_block(0)) {
        if (d.val() == "enforce_origin") admin["enforce_origin"] = true;
        else if (d.val() == "origins") admin["origins"] = d.remaining_args();
        else d.fail("unrecognized parameter '" + d.val() + "'");
    }
    // Caddy writes its default address out whenever the admin API is on.
    if (!admin.contains("listen") && !admin.contains("disabled")) admin["listen"] = "localhost:2019";
    return admin;
}

bool strict_sni_host(Dispenser& d) {
    if (!d.next_arg() || d.val() == "on") return true;
    if (d.val() != "insecure_off") d.fail("strict_sni_host only supports 'on' or 'insecure_off', got '" + d.val() + "'");
    return false;
}

nlohmann::json parse_servers(Dispenser& d) {
    nlohmann::json entry{{"listener", d.next_arg() ? d.val() : ""}};
    nlohmann::json& s = entry["options"];
    s = nlohmann::json::object();
    while (d.next_block(0)) {
        const std::string option = d.val();
        if (option == "timeouts") {
            while (d.next_block(1)) {
                const std::string which = d.val();
                if (!d.next_arg()) d.wrong_args();
                const auto value = parse_caddy_duration(d, d.val());
                if (which == "read_body") s["read_timeout"] = value;
                else if (which == "read_header") s["read_header_timeout"] = value;
                else if (which == "write") s["write_timeout"] = value;
                else if (which == "idle") s["idle_timeout"] = value;
                else d.fail("unrecognized timeouts option '" + which + "'");
            }
        } else if (option == "max_header_size") {
            if (!d.next_arg()) d.wrong_args();
            s["max_header_bytes"] = parse_size(d, d.val());
        } else if (option == "log_credentials") {
            s["logs"]["should_log_credentials"] = true;
        } else if (option == "keepalive_interval") {
            if (!d.next_arg()) d.wrong_args();
            if (const auto interval = parse_caddy_duration(d, d.val()); interval != 0) s["keepalive_interval"] = interval;
            else s.erase("keepalive_interval");
        } else if (option == "protocols") {
            nlohmann::json& protocols = s["protocols"];
            if (protocols.is_null()) protocols = nlohmann::json::array();
            for (const auto& p : d.remaining_args()) {
                if (p != "h1" && p != "h2" && p != "h2c" && p != "h3") d.fail("unknown protocol '" + p + "': expected h1, h2, h2c, or h3");
                if (std::find(protocols.begin(), protocols.end(), p) != protocols.end()) d.fail("protocol " + p + " specified more than once");
                protocols.push_back(p);
            }
            if (protocols.empty()) s.erase("protocols");
            if (d.next_block(d.nesting())) d.wrong_args();
        } else if (option == "strict_sni_host") {
            s["strict_sni_host"] = strict_sni_host(d);
        } else if (option == "protocol") {
            // Deprecated in Caddy 2.6 (August 2022) but still read: allow_h2c and strict_sni_host.
            for (const int nesting = d.nesting(); d.next_block(nesting);) {
                if (d.val() == "allow_h2c") {
                    if (d.next_arg()) d.wrong_args();
                    nlohmann::json& protocols = s["protocols"];
                    if (protocols.is_null()) protocols = nlohmann::json::array();
                    if (std::find(protocols.begin(), protocols.end(), "h2c") != protocols.end()) d.fail("protocol h2c already specified");
                    protocols.push_back("h2c");
                } else if (d.val() == "strict_sni_host") {
                    s["strict_sni_host"] = strict_sni_host(d);
                } else {
                    d.fail("unrecognized protocol option '" + d.val() + "'");
                }
            }
        } else if (option == "listener_wrappers") {
            while (d.next_block(1)) s["listener_wrappers"].push_back({{"wrapper", d.val()}});
        } else if (option == "metrics") {
            s["metrics"] = nlohmann::json::object();
        } else {
            d.fail("unrecognized servers option '" + option + "'");
        }
    }
    return entry;
}

// events { on <event> <handler> ... }: Caddy 2.6.2's events app. Its standard build has no
// events.handlers module, so only the app without subscriptions adapts, there as here.
nlohmann::json parse_events(Dispenser& d) {
    while (d.next_block(0)) {
        if (d.val() != "on" || !d.next_arg() || !d.next_arg()) d.wrong_args();
        d.fail("getting module named 'events.handlers." + d.val() + "': module not registered: events.handlers." + d.val());
    }
    return nlohmann::json::object();
}

} // namespace

std::vector<std::string> write_events(const nlohmann::json& app, const std::string& path) {
    if (app != nlohmann::json::object()) throw ExportError(path, "event subscriptions have no Caddyfile form (no events.handlers module is built in)");
    return {"events"};
}

Options evaluate_global_options(const ServerBlock* global) {
    Options options;
    options.order = default_directive_order();
    if (!global) return options;
    for (const auto& seg : global->segments) {
        Dispenser d(seg.tokens);
        d.next();
        const std::string name = d.val();
        if (name == "debug") options.debug = true;
        else if (name == "http_port") options.http_port = port(d);
        else if (name == "https_port") options.https_port = port(d);
        else if (name == "grace_period") options.grace_period = parse_caddy_duration(d, single(d));
        else if (name == "shutdown_delay") options.shutdown_delay = parse_caddy_duration(d, single(d));
        else if (name == "default_sni") options.default_sni = single(d);
        else if (name == "default_bind") {
            options.default_bind = d.remaining_args();
            if (options.default_bind.empty()) d.wrong_args();
        } else if (name == "order") apply_order(d, options.order);
        else if (name == "admin") options.admin = parse_admin(d);
        else if (name == "auto_https") {
            options.auto_https = single(d);
            static const std::vector<std::string> allowed{"off", "disable_redirects", "disable_certs", "ignore_loaded_certs"};
            if (std::find(allowed.begin(), allowed.end(), options.auto_https) == allowed.end())
                d.fail("auto_https must be one of 'off', 'disable_redirects', 'disable_certs' or 'ignore_loaded_certs'");
        } else if (name == "servers") {
            auto entry = parse_servers(d);
            for (const auto& seen : options.servers)
                if (seen["listener"] == entry["listener"])
                    d.fail("cannot have 'servers' global options with duplicate listener addresses: " + entry["listener"].get<std::string>());
            options.servers.push_back(std::move(entry));
        }
        else if (parse_module_global_option(name, d, options.apps)) continue;
        else if (parse_tls_option(name, d, options.tls)) continue;
        else if (name == "log") {
            d.back();
            parse_global_log(d, options.logs);
        } else if (name == "events") options.apps["events"] = parse_events(d);
        else d.fail("unrecognized global option: " + name);
    }
    return options;
}

} // namespace proxflow::caddyfile
