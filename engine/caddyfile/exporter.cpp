// JSON -> Caddyfile: each server's routes are read back into site blocks (the host-matched,
// terminal subroutes Caddy's adapter makes) and each handler into its directive.
#include "caddyfile/exporter.hpp"
#include "caddyfile/options.hpp"

#include "caddyfile/adapter.hpp"
#include "caddyfile/directives.hpp"
#include "caddyfile/formatter.hpp"
#include "caddyfile/global_options.hpp"
#include "caddyfile/log_directive.hpp"
#include "caddyfile/server_options_export.hpp"
#include "caddyfile/shorthand_placeholders.hpp"
#include "caddyfile/site_address.hpp"
#include "caddyfile/tls_exporter.hpp"
#include "caddyfile/writer.hpp"
#include "config/object_reader.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

namespace proxflow::caddyfile {
namespace {

using nlohmann::json;

// Braces outside a {placeholder} would open or close blocks for the formatter and the lexer.
bool braces_are_placeholders(const std::string& value) {
    int depth = 0;
    for (char c : value) {
        if (c == '{') ++depth;
        else if (c == '}' && --depth < 0) return false;
    }
    return depth == 0 && !value.starts_with("{ ") && value != "{}";
}

// The export runs through caddy fmt, which reads braces outside "…" as blocks ("{{" loses one):
// a bare or backquoted token must come out of it as it went in, mid-line and at the start of a line.
bool survives_fmt(const std::string& token) {
    for (const std::string& line : {"x " + token + "\n", token + " x\n"})
        if (format(line) != line) return false;
    return true;
}

// Inside "…" Caddy's lexer takes a backslash before a quote or a newline as an escape, so such a
// backslash, or one at the very end, cannot be written there.
bool fits_double_quotes(const std::string& value) {
    for (std::size_t i = 0; i < value.size(); ++i)
        if (value[i] == '\\' && (i + 1 == value.size() || value[i + 1] == '"' || value[i + 1] == '\n')) return false;
    return true;
}



// Matchers of one route: "" (none), an inline path, or a named matcher defined before use.
class MatcherNames {
public:
    MatcherNames(Writer& w, std::string path) : w_(w), path_(std::move(path)) {}

    std::string token_for(const json& route, const std::string& path) {
        if (!route.contains("match")) return "";
        const json& sets = route["match"];
        if (sets.empty()) return "";
        if (sets.size() > 1)
            throw ExportError(path + ".match", "several matcher sets (OR) have no Caddyfile form for one directive; split the route");
        const json& set = sets[0];
        if (std::string inline_token = inline_matcher_token(set); !inline_token.empty()) return inline_token;
        const std::string name = "@m" + std::to_string(w_.next_matcher_number());
        definitions_.push_back({name, set, path + ".match[0]"});
        return name;
    }

    // Named matcher blocks go before the directives that use them.
    void write_definitions(Writer& w) {
        for (const auto& [name, set, path] : definitions_) {
            w.open(name);
            for (auto it = set.begin(); it != set.end(); ++it) write_matcher(w, it.key(), it.value(), path + "." + it.key());
            w.close();
        }
    }

    static void write_matcher(Writer& w, const std::string& type, const json& value, const std::string& path) {
        if (type == "path" || type == "host" || type == "method") {
            std::string text = type;
            for (const auto& v : value) text += " " + quote(v);
            w.line(text);
        } else if (type == "header" || type == "query" || type == "vars") {
            // Absent-header conditions first: Caddy 2.6 reads "header !Name" only before valued ones.
            if (type == "header")
                for (auto it = value.begin(); it != value.end(); ++it)
                    if (it.value().is_null()) w.line("header !" + it.key());
            for (auto it = value.begin(); it != value.end(); ++it) {
                if (type == "header" && it.value().is_null()) continue;
                std::string text = type;
                if (type == "query") {
                    for (const auto& v : it.value()) text += " " + quote(it.key() + "=" + str(v));
                } else if (type == "header") {
                    // Caddy 2.6 reads one value per header line.
                    for (const auto& v : it.value()) w.line("header " + quote(it.key()) + " " + quote(str(v)));
                    if (it.value().empty()) w.line("header " + quote(it.key()));
                    continue;
                } else {
                    text += " " + quote(it.key());
                    for (const auto& v : it.value()) text += " " + quote(str(v));
                }
                w.line(text);
            }
        } else if (type == "path_regexp") {
            w.line("path_regexp " + (value.contains("name") ? quote(value["name"]) + " " : "") + quote(value["pattern"]));
        } else if (type == "header_regexp") {
            for (auto it = value.begin(); it != value.end(); ++it)
                w.line("header_regexp " + (it.value().contains("name") ? quote(it.value()["name"]) + " " : "") + quote(it.key()) + " " +
                       quote(it.value()["pattern"]));
        } else if (type == "vars_regexp") {
            for (auto it = value.begin(); it != value.end(); ++it)
                w.line("vars_regexp " + (it.value().contains("name") ? quote(it.value()["name"]) + " " : "") + quote(it.key()) + " " +
                       quote(it.value()["pattern"]));
        } else if (type == "remote_ip") {
            std::string text = "remote_ip";
            if (value.value("forwarded", false)) text += " forwarded";
            for (const auto& r : value["ranges"]) text += " " + quote(r);
            w.line(text);
        } else if (type == "protocol") {
            w.line("protocol " + quote(value));
        } else if (type == "expression") {
            w.line("expression " + quote(value));
        } else if (type == "not") {
            if (value.size() != 1) throw ExportError(path, "a 'not' of several matcher sets has no Caddyfile form");
            w.open("not");
            for (auto it = value[0].begin(); it != value[0].end(); ++it) write_matcher(w, it.key(), it.value(), path + "." + it.key());
            w.close();
        } else if (write_module_matcher(w, type, value, path)) {
        } else {
            throw ExportError(path, "matcher '" + type + "' has no Caddyfile form in ProxFlow yet");
        }
    }

private:
    Writer& w_;
    std::string path_;
    struct Definition {
        std::string name;
        json set;
        std::string path;
    };
    std::vector<Definition> definitions_;
};


void write_handler(Writer& w, const std::string& m, const json& h, const std::string& path) {
    const std::string name = h.value("handler", "");
    if (write_module_handler(w, m, h, path)) return;
    throw ExportError(path + ".handler", "handler '" + name + "' has no Caddyfile export here yet");
}

// One route: the block forms (handle, handle_path, route) when its single handler is a
// subroute, otherwise one directive per handler under the route's matcher.
void write_route(Writer& w, MatcherNames& names, const json& route, const std::string& path) {
    const json handlers = route.value("handle", json::array());
    const std::string m = names.token_for(route, path);
    const std::string mt = m.empty() ? "" : " " + m;
    const bool grouped_subroutes = route.contains("group") && !handlers.empty() &&
                                   std::all_of(handlers.begin(), handlers.end(), [](const json& h) { return h.value("handler", "") == "subroute"; });
    if (grouped_subroutes) {
        // Adjacent handle blocks with the same matcher become one route of several subroutes (Caddy's
        // consolidation): each subroute is written back as its own block.
        for (std::size_t i = 0; i < handlers.size(); ++i) write_handle_block(w, m, handlers[i], index_path(path + ".handle", i));
        return;
    }
    for (std::size_t i = 0; i < handlers.size(); ++i) write_handler(w, m, handlers[i], index_path(path + ".handle", i));
}

} // namespace

void header_op_lines(const json& ops, const std::string& prefix, std::vector<std::string>& lines) {
    if (ops.contains("set"))
        for (auto it = ops["set"].begin(); it != ops["set"].end(); ++it)
            for (const auto& v : it.value()) lines.push_back(prefix + quote(it.key()) + " " + quote(v));
    if (ops.contains("add"))
        for (auto it = ops["add"].begin(); it != ops["add"].end(); ++it)
            for (const auto& v : it.value()) lines.push_back(prefix + quote("+" + it.key()) + " " + quote(v));
    if (ops.contains("delete"))
        for (const auto& name : ops["delete"]) lines.push_back(prefix + quote("-" + name.get<std::string>()));
    if (ops.contains("replace"))
        for (auto it = ops["replace"].begin(); it != ops["replace"].end(); ++it)
            for (const auto& r : it.value())
                lines.push_back(prefix + quote(it.key()) + " " + quote(r.value("search_regexp", r.value("search", ""))) + " " +
                                quote(r.value("replace", "")));
}

void write_handle_block(Writer& w, const std::string& m, const json& subroute, const std::string& path) {
    json inner = subroute.value("routes", json::array());
    // handle_path's matcher is one path, which the route's matcher token is when it is an inline path.
    const auto matched_path = inline_matcher_path(m);
    if (matched_path && !inner.empty() && inner[0] == json{{"handle", {strip_prefix_rewrite(*matched_path)}}}) {
        inner.erase(inner.begin());
        w.open("handle_path " + m);
    } else {
        w.open("handle" + (m.empty() ? "" : " " + m));
    }
    write_routes(w, inner, path + ".routes");
    w.close();
}

void write_matcher(Writer& w, const std::string& type, const json& value, const std::string& path) {
    MatcherNames::write_matcher(w, type, value, path);
}

namespace {

// Caddy groups handle blocks when a block has several, so of the block's subroutes outside any group
// at most one is a `handle`, and none beside grouped ones. The others are route blocks, which Caddy
// sorts among themselves: when the first would not stay first, it was the handle (handle sorts
// before route). Routes a module writes as its own directive (module_span) are no blocks.
std::size_t lone_handle_route(const json& routes, const std::vector<std::size_t>& module_span) {
    std::vector<std::size_t> lone;
    for (std::size_t i = 0; i < routes.size(); i += module_span[i] ? module_span[i] : 1) {
        if (module_span[i]) continue;
        const json handlers = routes[i].value("handle", json::array());
        const bool subroutes = !handlers.empty() && std::all_of(handlers.begin(), handlers.end(), [](const json& h) {
            return h.value("handler", "") == "subroute";
        });
        if (!subroutes) continue;
        if (routes[i].contains("group")) return routes.size();
        if (handlers.size() == 1) lone.push_back(i);
    }
    if (lone.size() == 1) return lone[0];
    if (lone.size() > 1 && sorts_before_within_directive("route", routes[lone[1]], routes[lone[0]])) return lone[0];
    return routes.size();
}

} // namespace

void write_routes(Writer& w, const json& routes, const std::string& path) {
    // Named matchers are collected while writing the directives, then placed first.
    Writer body = w.nested();
    MatcherNames names(body, path);
    // A module's route exporter may write several routes as the one directive that made them; which
    // routes it takes is found first, on a scratch writer, to tell the block's handle blocks.
    std::vector<std::size_t> module_span(routes.size(), 0);
    for (std::size_t i = 0; i < routes.size(); i += module_span[i] ? module_span[i] : 1) {
        Writer scratch(w.stock());
        module_span[i] = write_module_routes(scratch, routes, i, path);
    }
    const std::size_t handle_at = lone_handle_route(routes, module_span);
    for (std::size_t i = 0; i < routes.size();) {
        if (module_span[i]) {
            write_module_routes(body, routes, i, path);
            i += module_span[i];
            continue;
        }
        body.may_be_handle = i == handle_at;
        write_route(body, names, routes[i], index_path(path, i));
        ++i;
    }
    Writer defs = w.nested();
    names.write_definitions(defs);
    w.append(defs);
    w.append(body);
    for (auto& warning : body.warnings) w.warnings.push_back(warning);
}

namespace {

struct SiteBlock {
    std::vector<std::string> keys;
    json routes;
    std::vector<std::string> binds;
    SiteLog log; // the site's `log` directive
    std::string server; // the server it came from
    std::vector<std::string> tls; // its `tls` directive
    json match; // the site route's matcher sets, null when it has none (or no route of its own)
    json error_routes; // its `handle_errors` routes, null when it has none
};

// The server's errors.routes handed to its sites as `handle_errors` blocks: behind the same matcher
// sets as their sites' routes (Caddy's appendSubrouteToRouteList), or as they are when the server's
// one site is not wrapped.
void attach_error_routes(const json& server, const std::string& spath, bool wrapped, std::vector<SiteBlock>& sites, std::size_t first) {
    if (!server.contains("errors")) return;
    const json& errors = server["errors"];
    const std::string epath = spath + ".errors";
    if (!errors.is_object()) throw ExportError(epath, "expected an object");
    for (const auto& [key, value] : errors.items())
        if (key != "routes") throw ExportError(epath + "." + key, "has no Caddyfile form");
    const json routes = errors.value("routes", json::array());
    if (!wrapped) {
        if (sites.size() != first + 1) throw ExportError(epath, "error routes of a server without sites have no Caddyfile form");
        sites[first].error_routes = routes;
        return;
    }
    for (std::size_t i = 0; i < routes.size(); ++i) {
        const json& r = routes[i];
        const std::string rpath = index_path(epath + ".routes", i);
        const bool subroute = !r.contains("handle") || (r["handle"].size() == 1 && r["handle"][0].value("handler", "") == "subroute");
        if (!r.value("terminal", false) || !subroute || r.size() > 3)
            throw ExportError(rpath, "an error route that is not a site's terminal subroute has no handle_errors form");
        const json match = r.contains("match") ? r["match"] : json();
        auto site = std::find_if(sites.begin() + static_cast<long>(first), sites.end(), [&](const SiteBlock& b) { return b.match == match; });
        if (site == sites.end()) throw ExportError(rpath + ".match", "no site of this server has these hosts");
        if (site->error_routes.is_null()) site->error_routes = json::array();
        for (const auto& inner : r.contains("handle") ? r["handle"][0].value("routes", json::array()) : json::array()) site->error_routes.push_back(inner);
    }
}

// What a site address can hold and read back the same: names, IP addresses (IPv6 with its zone),
// wildcards, and {placeholders} of plain names.
bool is_site_host(const std::string& host) {
    if (host.empty() || host.front() == '@' || host.front() == '(') return false; // a matcher, a snippet
    bool in_placeholder = false;
    for (char c : host) {
        const bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
        if (c == '{' && !in_placeholder) in_placeholder = true;
        else if (c == '}' && in_placeholder) in_placeholder = false;
        else if (!plain && (in_placeholder || (c != '*' && c != ':' && c != '[' && c != ']' && c != '%'))) return false;
    }
    return !in_placeholder;
}

std::vector<SiteAddress> addresses_of(const std::vector<std::string>& keys, const std::string& path) {
    std::vector<SiteAddress> out;
    for (const auto& k : keys) {
        try {
            out.push_back(SiteAddress::parse(k));
        } catch (const std::invalid_argument& e) {
            throw ExportError(path, "site address \"" + k + "\" would not read back: " + e.what());
        }
    }
    return out;
}

// "127.0.0.1:8080" -> ("127.0.0.1", "8080"); ":8080" -> ("", "8080").
std::pair<std::string, std::string> split_listen(const std::string& listen, const std::string& path) {
    // "tcp6/[::]:443" binds "tcp6/[::]"; "127.0.0.1:80" binds "127.0.0.1"; ":80" binds nothing.
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos) throw ExportError(path, "listen address without a port");
    const std::string host = listen.substr(0, colon);
    // What `bind` can say: [network/]host, the host a name, an IPv4 address or a bracketed IPv6 one.
    const auto slash = host.find('/');
    const std::string network = slash == std::string::npos ? "" : host.substr(0, slash);
    const std::string address = slash == std::string::npos ? host : host.substr(slash + 1);
    const bool ipv6 = address.size() > 2 && address.front() == '[' && address.back() == ']' &&
                      address.find_first_not_of("0123456789abcdefABCDEF:.%", 1) == address.size() - 1;
    const bool name = address.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == std::string::npos;
    const bool known_network = network.empty() || network == "tcp" || network == "tcp4" || network == "tcp6";
    if (!known_network || !(ipv6 || name) || (!network.empty() && address.empty()))
        throw ExportError(path, "\"" + listen + "\" is no address a bind directive can name");
    return {host, listen.substr(colon + 1)};
}

// A server that can serve TLS: where the hosts only its TLS settings name go back into site keys.
struct TlsSlot {
    std::string server, port, https_port;
    std::vector<std::string> binds;
    std::size_t first_site; // its sites are sites[first_site ...] until the next server's
};

// Hosts that only the TLS settings name sat beside a hostless key (Caddy gives such hosts no host
// matcher), and a subject-less policy only a site can make needs a hostless site: both go to the
// first TLS server's hostless site, made when it has none.
void place_tls_hosts(const TlsExporter& tls, std::vector<SiteBlock>& sites, const std::vector<TlsSlot>& slots) {
    const auto hosts = tls.hosts_without_site();
    if ((hosts.empty() && !tls.catch_all_in_site()) || slots.empty()) return;
    const TlsSlot& slot = slots.front();
    const std::size_t end = slots.size() > 1 ? slots[1].first_site : sites.size();
    const std::string hostless_key = ":" + slot.port;
    std::size_t hostless = sites.size();
    for (std::size_t s = slot.first_site; s < end && s < sites.size(); ++s)
        if (sites[s].server == slot.server && std::find(sites[s].keys.begin(), sites[s].keys.end(), hostless_key) != sites[s].keys.end()) hostless = s;
    if (hostless == sites.size()) {
        sites.insert(sites.begin() + static_cast<long>(std::min(end, sites.size())), SiteBlock{{hostless_key}, json::array(), slot.binds, {}, slot.server, {}, {}, {}});
        hostless = std::min(end, sites.size() - 1);
    }
    for (const auto& h : hosts)
        if (is_site_host(h)) sites[hostless].keys.push_back(slot.port == slot.https_port ? h : h + ":" + slot.port);
}

} // namespace

std::string quote(const std::string& value) {
    // Caddy expands {$ENV} before it reads tokens, quoted or not: such text cannot be written literally.
    if (value.find("{$") != std::string::npos)
        throw ExportError("value \"" + value + "\"", "\"{$\" would be read as an environment variable");
    // Nor can text holding a shorthand such as {host}: the adapter would read it as the long placeholder.
    if (const auto expanded = replace_shorthands(value); expanded != value)
        throw ExportError("value \"" + value + "\"", "a Caddyfile would read it as \"" + expanded + "\" (Caddy expands shorthand placeholders)");
    const bool control = std::any_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
    const bool plain = !value.empty() && !control && value.find_first_of(" \"'`#\\") == std::string::npos &&
                       braces_are_placeholders(value) && survives_fmt(value);
    if (plain) return value;
    if (fits_double_quotes(value)) {
        std::string escaped;
        for (char c : value) {
            if (c == '"') escaped += '\\';
            escaped += c;
        }
        return "\"" + escaped + "\"";
    }
    // caddy fmt does not see backticks: it indents lines and breaks at braces inside them.
    if (value.find_first_of("`\n") == std::string::npos && braces_are_placeholders(value) && survives_fmt("`" + value + "`"))
        return "`" + value + "`";
    throw ExportError("value \"" + value + "\"", "no Caddyfile token can hold it (a backslash before a quote or at the end, with braces)");
}

ExportResult export_caddyfile(const json& config, bool for_stock_caddy) {
    Writer w(for_stock_caddy);
    // Global options.
    std::vector<std::string> global;
    for (auto it = config.begin(); it != config.end(); ++it) {
        if (it.key() == "admin") {
            const json& a = it.value();
            if (a.value("disabled", false)) {
                global.push_back("admin off");
                continue;
            }
            std::vector<std::string> block;
            for (const auto& [key, value] : a.items()) {
                if (key == "enforce_origin" && value == true) block.push_back("\tenforce_origin");
                else if (key == "origins") {
                    std::string line = "\torigins";
                    for (const auto& origin : value) line += " " + quote(str(origin));
                    block.push_back(line);
                } else if (key != "listen") {
                    throw ExportError("admin." + key, "has no Caddyfile form");
                }
            }
            const std::string head = a.contains("listen") ? "admin " + quote(a["listen"]) : "admin";
            if (block.empty()) {
                if (a.contains("listen")) global.push_back(head);
                continue;
            }
            global.push_back(head + " {");
            global.insert(global.end(), block.begin(), block.end());
            global.push_back("}");
        } else if (it.key() == "logging") {
            check_logging_exportable(it.value());
        } else if (it.key() != "apps" && it.key() != "storage") {
            throw ExportError(it.key(), "has no Caddyfile export here yet");
        }
    }
    const json logging = config.value("logging", json::object());
    const json apps = config.value("apps", json::object());
    for (auto it = apps.begin(); it != apps.end(); ++it) {
        if (it.key() == "http" || it.key() == "tls" || it.key() == "pki") continue;
        const std::string path = "apps." + it.key();
        if (it.key() == "events") {
            for (auto& line : write_events(it.value(), path)) global.push_back(std::move(line));
            continue;
        }
        auto lines = write_module_app(it.key(), it.value(), path);
        if (!lines) throw ExportError(path, "this app has no Caddyfile export here yet");
        if (for_stock_caddy) w.warnings.push_back(path + ": ProxFlow's own; stock Caddy has no such option (left out)");
        else global.insert(global.end(), lines->begin(), lines->end());
    }
    const json http_app = apps.value("http", json::object());
    const int http_port = http_app.value("http_port", 80), https_port = http_app.value("https_port", 443);
    for (auto it = http_app.begin(); it != http_app.end(); ++it) {
        const std::string& k = it.key();
        if (k == "servers") continue;
        if (k == "http_port" || k == "https_port") global.push_back(k + " " + str(it.value()));
        else if (k == "grace_period" || k == "shutdown_delay") global.push_back(k + " " + duration(it.value(), "apps.http." + k));
        else throw ExportError("apps.http." + k, "has no Caddyfile export here yet");
    }
    const json servers = http_app.value("servers", json::object());
    std::vector<SiteBlock> sites;
    // TLS fields of the wrong JSON type are refused, not crashed on.
    const auto type_error = [](const json::exception& e) { return ExportError("apps.tls", std::string("a TLS field has an unexpected type: ") + e.what()); };
    const TlsExporter tls_export = [&] {
        try {
            return TlsExporter(config);
        } catch (const json::exception& e) {
            throw type_error(e);
        }
    }();
    std::vector<TlsSlot> tls_slots;
    for (auto& line : servers_option_lines(servers)) global.push_back(std::move(line));
    for (auto it = servers.begin(); it != servers.end(); ++it) {
        const std::string spath = "apps.http.servers." + it.key();
        const json& server = it.value();
        bool auto_https_off = false;
        std::set<std::string> http_hosts;
        const json server_logs = logs_without_credentials_flag(server);
        for (auto f = server.begin(); f != server.end(); ++f) {
            if (f.key() == "listen" || f.key() == "routes" || f.key() == "logs" || f.key() == "tls_connection_policies" || f.key() == "errors" ||
                is_servers_option_field(f.key()))
                continue;
            if (f.key() == "automatic_https") {
                for (auto a = f.value().begin(); a != f.value().end(); ++a) {
                    static const std::map<std::string, std::string> global_forms{
                        {"disable_redirects", "auto_https disable_redirects"},
                        {"disable_certificates", "auto_https disable_certs"},
                        {"ignore_loaded_certificates", "auto_https ignore_loaded_certs"}};
                    if (a.key() == "disable" && a.value().get<bool>()) auto_https_off = true;
                    else if (a.key() == "skip") for (const auto& h : a.value()) http_hosts.insert(h);
                    else if (auto g = global_forms.find(a.key()); g != global_forms.end() && a.value().get<bool>()) {
                        if (std::find(global.begin(), global.end(), g->second) == global.end()) global.push_back(g->second);
                    } else throw ExportError(spath + ".automatic_https." + a.key(), "has no Caddyfile export here yet");
                }
                continue;
            }
            throw ExportError(spath + "." + f.key(), "server option has no Caddyfile export here yet");
        }
        if (auto_https_off && std::find(global.begin(), global.end(), "auto_https off") == global.end())
            global.push_back("auto_https off");
        const json listen = server.value("listen", json::array());
        if (listen.empty()) throw ExportError(spath + ".listen", "a server without listen addresses has no site address");
        std::set<std::string> ports, binds;
        for (std::size_t i = 0; i < listen.size(); ++i) {
            auto [host, port] = split_listen(listen[i], index_path(spath + ".listen", i));
            ports.insert(port);
            if (!host.empty()) binds.insert(host);
        }
        if (ports.size() != 1) throw ExportError(spath + ".listen", "listen addresses on several ports have no single site address");
        if (!binds.empty() && binds.size() != listen.size())
            throw ExportError(spath + ".listen", "a mix of bound and unbound addresses has no Caddyfile form");
        const std::string port = *ports.begin();
        // Under auto_https off, a server serves HTTPS only when its sites' keys asked for it (the adapter
        // then gave it connection policies); a bare host on the HTTPS port says that.
        const bool serves_https = !auto_https_off || server.contains("tls_connection_policies");
        auto key_for = [&](const std::string& host) {
            const bool plain_http = port == std::to_string(http_port) || http_hosts.contains(host) || !serves_https;
            if (host.empty()) return ":" + port;
            if (port == std::to_string(https_port) && !plain_http) return host;
            if (port == std::to_string(http_port)) return "http://" + host;
            // An IPv6 host takes brackets before its port.
            const std::string bracketed = host.find(':') != std::string::npos && !host.starts_with("[") ? "[" + host + "]" : host;
            return (plain_http ? "http://" : "") + bracketed + ":" + port;
        };
        const json routes = server.value("routes", json::array());
        const bool wrapped = !routes.empty() && std::all_of(routes.begin(), routes.end(), [](const json& r) {
            return r.value("terminal", false) && (!r.contains("handle") || (r["handle"].size() == 1 && r["handle"][0].value("handler", "") == "subroute"));
        });
        if (port != std::to_string(http_port)) tls_slots.push_back({it.key(), port, std::to_string(https_port), {binds.begin(), binds.end()}, sites.size()});
        if (!wrapped) {
            const std::vector<std::string> keys{key_for("")};
            sites.push_back({keys, routes, {binds.begin(), binds.end()}, site_log(server_logs, logging, addresses_of(keys, spath + ".listen"), spath + ".logs"), it.key(), {}, {}, {}});
            attach_error_routes(server, spath, false, sites, sites.size() - 1);
            continue;
        }
        const std::size_t first_site = sites.size();
        for (std::size_t i = 0; i < routes.size(); ++i) {
            const json& r = routes[i];
            SiteBlock site;
            if (r.contains("match")) site.match = r["match"];
            site.server = it.key();
            site.binds.assign(binds.begin(), binds.end());
            if (r.contains("match")) {
                if (r["match"].size() != 1 || r["match"][0].size() != 1 || !r["match"][0].contains("host"))
                    throw ExportError(index_path(spath + ".routes", i) + ".match", "a site matched by more than its hosts has no site address");
                for (std::size_t k = 0; k < r["match"][0]["host"].size(); ++k) {
                    const std::string host = r["match"][0]["host"][k];
                    // A site address is one bare token: hostnames, IPs, wildcards and placeholders.
                    if (!is_site_host(host))
                        throw ExportError(index_path(index_path(spath + ".routes", i) + ".match[0].host", k),
                                          "\"" + host + "\" cannot be written as a site address");
                    site.keys.push_back(key_for(host));
                }
            } else {
                site.keys.push_back(key_for(""));
            }
            site.routes = r.contains("handle") ? r["handle"][0].value("routes", json::array()) : json::array();
            site.log = site_log(server_logs, logging, addresses_of(site.keys, index_path(spath + ".routes", i)), spath + ".logs");
            sites.push_back(std::move(site));
        }
        attach_error_routes(server, spath, true, sites, first_site);
    }
    // Logs no site's `log` says are global `log` options.
    std::set<std::string> site_logs;
    for (const auto& site : sites)
        if (!site.log.name.empty()) site_logs.insert(site.log.name);
    const GlobalLogs logs = global_logs(logging, site_logs);
    if (logs.debug) global.push_back("debug");
    global.insert(global.end(), logs.lines.begin(), logs.lines.end());
    const auto render = [&](const TlsExporter& tls, std::vector<SiteBlock> sites) -> ExportResult {
        place_tls_hosts(tls, sites, tls_slots);
        // The adapter numbers named logs (log0, log1, …) in file order, while sites are written in route
        // order: the sites with named logs take their places among themselves in their logs' order.
        std::vector<std::size_t> logged;
        for (std::size_t i = 0; i < sites.size(); ++i)
            if (!sites[i].log.name.empty()) logged.push_back(i);
        std::vector<SiteBlock> by_log;
        for (std::size_t i : logged) by_log.push_back(sites[i]);
        std::stable_sort(by_log.begin(), by_log.end(), [](const SiteBlock& a, const SiteBlock& b) {
            const auto number = [](const std::string& name) { return std::stoi(name.substr(3)); };
            return number(a.log.name) < number(b.log.name);
        });
        for (std::size_t k = 0; k < logged.size(); ++k) sites[logged[k]] = std::move(by_log[k]);
        for (auto& site : sites) site.tls = tls.site_lines(site.server, site.keys);
        // One site block on several servers shares its named log: its parts become one block again.
        for (std::size_t i = 0; i < sites.size(); ++i) {
            if (sites[i].log.name.empty()) continue;
            for (std::size_t j = i + 1; j < sites.size();) {
                const SiteBlock &a = sites[i], &b = sites[j];
                if (b.log.name != a.log.name) {
                    ++j;
                    continue;
                }
                if (b.routes != a.routes || b.binds != a.binds || b.tls != a.tls || b.error_routes != a.error_routes || b.log.lines != a.log.lines)
                    throw ExportError("logging.logs." + a.log.name, "sites that differ share this log, which one site's log directive makes");
                sites[i].keys.insert(sites[i].keys.end(), b.keys.begin(), b.keys.end());
                sites.erase(sites.begin() + static_cast<long>(j));
            }
        }
        std::vector<std::string> global_lines = global;
        for (auto& l : tls.global_lines()) global_lines.push_back(l);
        // The global block last, once every server has said what it needs (auto_https off).
        Writer out(for_stock_caddy);
        if (!global_lines.empty()) {
            out.open("");
            for (const auto& l : global_lines) out.line(l);
            out.close();
        }
        for (std::size_t i = 0; i < sites.size(); ++i) {
            std::string keys;
            for (const auto& k : sites[i].keys) keys += (keys.empty() ? "" : ", ") + k;
            out.open(keys);
            if (!sites[i].binds.empty()) {
                std::string b = "bind";
                for (const auto& h : sites[i].binds) b += " " + quote(h);
                out.line(b);
            }
            for (const auto& l : sites[i].tls) out.line(l);
            for (const auto& l : sites[i].log.lines) out.line(l);
            write_routes(out, sites[i].routes, "apps.http.servers.site" + std::to_string(i) + ".routes");
            if (!sites[i].error_routes.is_null()) {
                out.open("handle_errors");
                write_routes(out, sites[i].error_routes, "apps.http.servers.site" + std::to_string(i) + ".errors.routes");
                out.close();
            }
            out.close();
        }
        for (auto& warning : w.warnings) out.warnings.push_back(warning);
        std::string text = out.text();
        // "{" alone opened the global block: drop the empty label the writer put before it.
        if (text.starts_with(" {")) text.erase(0, 1);
        text = format(text);
        if (config.contains("logging")) {
            // The default log's exclude list and DEBUG levels follow from several options at once:
            // the Caddyfile is only written when it adapts back to the same logs.
            json adapted;
            try {
                adapted = adapt(text, "Caddyfile");
            } catch (const AdaptError& e) {
                throw ExportError("logging", std::string("the Caddyfile written for the logs does not adapt: ") + e.what());
            }
            if (adapted.value("logging", json::object()) != logging)
                throw ExportError("logging.logs", "these logs have no Caddyfile form that adapts back the same (the nearest Caddyfile gives " +
                                                      adapted.value("logging", json::object()).dump() + ")");
        }
        if (tls.has_tls()) {
            json adapted;
            try {
                adapted = adapt(text, "Caddyfile");
            } catch (const AdaptError& e) {
                throw ExportError("apps.tls", std::string("the Caddyfile written for the TLS settings does not adapt: ") + e.what());
            }
            tls.verify(adapted);
        }
        return {text, out.warnings};
    };
    if (!tls_export.has_tls()) return render(tls_export, sites);
    // A policy without subjects comes from global options or from a hostless site's `tls`: each form
    // is tried, and the first whose Caddyfile adapts back the same is written.
    std::optional<ExportError> first_error;
    std::vector<TlsExporter::Form> forms;
    try {
        forms = tls_export.forms();
    } catch (const json::exception& e) {
        throw type_error(e);
    }
    for (const auto& form : forms) {
        try {
            return render(tls_export.with(form), sites);
        } catch (const ExportError& e) {
            if (!first_error) first_error = e;
        } catch (const json::exception& e) {
            if (!first_error) first_error = type_error(e);
        }
    }
    throw *first_error;
}

} // namespace proxflow::caddyfile
