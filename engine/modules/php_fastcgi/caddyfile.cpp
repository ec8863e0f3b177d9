// php_fastcgi as Caddy 2.6.2 expands it (modules/caddyhttp/reverseproxy/fastcgi/caddyfile.go):
//   redirect a directory to its trailing slash when {path}/<index> exists,
//   rewrite to the first of try_files that exists (split at the PHP extensions),
//   proxy *.php (each extension) to the upstreams over FastCGI,
// the first two left out with `index off`; every other line of the block is reverse_proxy's.
#include "modules/php_fastcgi/caddyfile.hpp"

#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"
#include "config/object_reader.hpp"
#include "modules/reverse_proxy/caddyfile.hpp"
#include "modules/reverse_proxy/fastcgi_transport_config.hpp"

#include <optional>

namespace proxflow::php_fastcgi {
namespace {

using caddyfile::Dispenser;
using caddyfile::Helper;
using caddyfile::Tokens;
using nlohmann::json;

constexpr const char* uri_path = "{http.request.uri.path}";
constexpr const char* relative_file = "{http.matchers.file.relative}";

std::vector<std::string> default_try_files(const std::string& index) {
    return {uri_path, std::string(uri_path) + "/" + index, index};
}

json redirect_route(const std::string& index) {
    return {{"match", {{{"file", {{"try_files", {std::string(uri_path) + "/" + index}}}}, {"not", {{{"path", {"*/"}}}}}}}},
            {"handle", {{{"handler", "static_response"}, {"headers", {{"Location", {"{http.request.orig_uri.path}/"}}}}, {"status_code", 308}}}}};
}

json rewrite_route(const std::vector<std::string>& try_files, const std::vector<std::string>& extensions) {
    return {{"match", {{{"file", {{"try_files", try_files}, {"split_path", extensions}}}}}},
            {"handle", {{{"handler", "rewrite"}, {"uri", relative_file}}}}};
}

json php_files(const std::vector<std::string>& extensions) {
    json paths = json::array();
    for (const auto& ext : extensions) paths.push_back("*" + ext);
    return json::array({{{"path", paths}}});
}

// What php_fastcgi takes out of its block before reverse_proxy reads the rest. The transport's JSON
// leaves out zero values, as Caddy's omitempty does.
struct Overrides {
    FastcgiTransportConfig transport;
    std::vector<std::string> extensions{".php"};
    std::string index = "index.php";
    std::vector<std::string> try_files;
};

// Reads php_fastcgi's own lines and returns the tokens without them. As Caddy, every token of the
// block's top level is looked at (arguments too), and a nested block's are passed over.
Tokens take_overrides(const Tokens& tokens, Overrides& o) {
    Dispenser d(tokens);
    std::vector<bool> taken(tokens.size(), false);
    const auto take_line = [&](int from) {
        for (int i = from; i <= d.cursor(); ++i) taken[static_cast<std::size_t>(i)] = true;
    };
    const auto timeout = [&](std::chrono::nanoseconds& field) {
        if (!d.next_arg()) d.wrong_args();
        try {
            field = proxflow::parse_duration(json(d.val()), "");
        } catch (const ConfigError& e) {
            d.fail("bad timeout value " + d.val() + ": " + e.what());
        }
    };
    while (d.next()) {
        while (d.next_block(0)) {
            if (d.nesting() != 1) continue;
            const int at = d.cursor();
            const std::string sub = d.val();
            if (sub == "root") {
                if (!d.next_arg()) d.wrong_args();
                o.transport.root = d.val();
            } else if (sub == "split") {
                o.extensions = d.remaining_args();
                if (o.extensions.empty()) d.wrong_args();
            } else if (sub == "env") {
                const auto args = d.remaining_args();
                if (args.size() != 2) d.wrong_args();
                o.transport.env[args[0]] = args[1];
            } else if (sub == "index") {
                const auto args = d.remaining_args();
                if (args.size() != 1) d.wrong_args();
                o.index = args[0];
            } else if (sub == "try_files") {
                o.try_files = d.remaining_args();
                if (o.try_files.empty()) d.wrong_args();
            } else if (sub == "resolve_root_symlink") {
                d.remaining_args();
                o.transport.resolve_root_symlink = true;
            } else if (sub == "capture_stderr") {
                d.remaining_args();
                o.transport.capture_stderr = true;
            } else if (sub == "dial_timeout") {
                timeout(o.transport.dial_timeout);
            } else if (sub == "read_timeout") {
                timeout(o.transport.read_timeout);
            } else if (sub == "write_timeout") {
                timeout(o.transport.write_timeout);
            } else {
                continue;
            }
            take_line(at);
        }
    }
    Tokens rest;
    bool line_break = false; // a taken line's break passes to what follows it
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (taken[i]) {
            line_break = line_break || tokens[i].line_break;
            continue;
        }
        rest.push_back(tokens[i]);
        rest.back().line_break = rest.back().line_break || line_break;
        line_break = false;
    }
    return rest;
}

} // namespace

std::vector<caddyfile::ConfigValue> parse_php_fastcgi(Helper& h) {
    if (h.d.tokens().empty()) h.d.wrong_args();
    const json user_matcher = h.extract_matcher_set();
    Overrides o;
    Helper proxy = h.with_tokens(take_overrides(h.d.tokens(), o));
    o.transport.split_path = o.extensions;

    json routes = json::array();
    if (o.index != "off") {
        if (o.try_files.empty()) o.try_files = default_try_files(o.index);
        routes.push_back(redirect_route(o.index));
        routes.push_back(rewrite_route(o.try_files, o.extensions));
    }
    proxy.d.next();
    const json handler = caddyfile::parse_reverse_proxy_segment(proxy, {{"handler", "reverse_proxy"}, {"transport", o.transport.to_json()}});
    routes.push_back({{"match", php_files(o.extensions)}, {"handle", {handler}}});

    // The directive's matcher must match before any of these: they go in a subroute under it.
    if (!user_matcher.is_null()) return h.new_route(user_matcher, {{"handler", "subroute"}, {"routes", routes}});
    // Otherwise they stay together, in this order, among the site's routes.
    return {caddyfile::ConfigValue{.klass = "route", .directive = "", .value = routes, .keeps_order = true}};
}

namespace {

// php_fastcgi's routes from routes[first]: the lines to write before reverse_proxy's, the proxy
// handler without the transport, and how many routes they are.
struct Expansion {
    std::vector<std::string> lines;
    json proxy;
    std::size_t count = 0;
};

bool only_keys(const json& object, std::initializer_list<const char*> keys) {
    if (!object.is_object() || object.size() != keys.size()) return false;
    for (const char* k : keys)
        if (!object.contains(k)) return false;
    return true;
}

std::string words(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += " " + caddyfile::quote(v);
    return out;
}

std::optional<Expansion> expansion_at(const json& routes, std::size_t first) {
    std::string index = "off";
    std::vector<std::string> try_files;
    std::size_t at = first;
    if (first + 2 < routes.size() && routes[at].is_object() && routes[at].contains("match")) {
        // The redirect carries the index file name; the rewrite must then be the one that index makes.
        const json& m = routes[at]["match"];
        if (m.is_array() && m.size() == 1 && m[0].is_object() && m[0].contains("file")) {
            const json files = m[0]["file"].value("try_files", json());
            const std::string prefix = std::string(uri_path) + "/";
            if (files.is_array() && files.size() == 1 && files[0].is_string() && files[0].get<std::string>().starts_with(prefix)) {
                const std::string candidate = files[0].get<std::string>().substr(prefix.size());
                const json& rewrite = routes[at + 1];
                if (candidate != "off" && routes[at] == redirect_route(candidate) && only_keys(rewrite, {"match", "handle"}) &&
                    rewrite["match"].is_array() && rewrite["match"].size() == 1 && only_keys(rewrite["match"][0], {"file"}) &&
                    only_keys(rewrite["match"][0]["file"], {"try_files", "split_path"})) {
                    try {
                        try_files = rewrite["match"][0]["file"]["try_files"].get<std::vector<std::string>>();
                        const auto split = rewrite["match"][0]["file"]["split_path"].get<std::vector<std::string>>();
                        if (!try_files.empty() && !split.empty() && rewrite == rewrite_route(try_files, split)) {
                            index = candidate;
                            at += 2;
                        }
                    } catch (const json::exception&) {
                    }
                }
            }
        }
    }
    if (at >= routes.size() || !only_keys(routes[at], {"match", "handle"})) return std::nullopt;
    const json& route = routes[at];
    if (!route["handle"].is_array() || route["handle"].size() != 1) return std::nullopt;
    json proxy = route["handle"][0];
    if (!proxy.is_object() || proxy.value("handler", "") != "reverse_proxy" || !proxy.contains("transport")) return std::nullopt;
    const json transport = proxy["transport"];
    if (!transport.is_object() || transport.value("protocol", "") != "fastcgi") return std::nullopt;
    std::vector<std::string> extensions;
    try {
        extensions = transport.at("split_path").get<std::vector<std::string>>();
    } catch (const json::exception&) {
        return std::nullopt;
    }
    if (extensions.empty() || route["match"] != php_files(extensions)) return std::nullopt;
    if (index != "off" && routes[first + 1]["match"][0]["file"]["split_path"] != transport["split_path"]) return std::nullopt;

    Expansion out;
    const auto text = [&](const char* key) { return caddyfile::quote(caddyfile::str(transport[key])); };
    try {
        if (transport.contains("root")) out.lines.push_back("root " + text("root"));
        if (extensions != std::vector<std::string>{".php"}) out.lines.push_back("split" + words(extensions));
        if (transport.contains("env"))
            for (auto it = transport["env"].begin(); it != transport["env"].end(); ++it)
                out.lines.push_back("env " + caddyfile::quote(it.key()) + " " + caddyfile::quote(it.value().get<std::string>()));
        if (index != "index.php") out.lines.push_back("index " + caddyfile::quote(index));
        if (index != "off" && try_files != default_try_files(index)) out.lines.push_back("try_files" + words(try_files));
        for (const char* key : {"dial_timeout", "read_timeout", "write_timeout"})
            if (transport.contains(key)) out.lines.push_back(std::string(key) + " " + caddyfile::duration(transport[key], key));
        for (const char* flag : {"resolve_root_symlink", "capture_stderr"})
            if (transport.value(flag, false)) out.lines.push_back(flag);
        for (auto it = transport.begin(); it != transport.end(); ++it)
            if (it.key() != "protocol" && it.key() != "split_path" && it.key() != "root" && it.key() != "env" &&
                it.key() != "dial_timeout" && it.key() != "read_timeout" && it.key() != "write_timeout" &&
                !(it.value() == json(true) && (it.key() == "resolve_root_symlink" || it.key() == "capture_stderr")))
                return std::nullopt; // what the directive cannot say: reverse_proxy's export names it
    } catch (const std::exception&) {
        return std::nullopt;
    }
    proxy.erase("transport");
    out.proxy = std::move(proxy);
    out.count = at + 1 - first;
    return out;
}

void write_expansion(caddyfile::Writer& w, const std::string& matcher, const Expansion& e, const std::string& path) {
    caddyfile::write_reverse_proxy(w, matcher, e.proxy, path, "php_fastcgi", e.lines);
}

} // namespace

std::size_t write_php_fastcgi(caddyfile::Writer& w, const json& routes, std::size_t first, const std::string& path) {
    if (const auto e = expansion_at(routes, first)) {
        write_expansion(w, "", *e, index_path(index_path(path, first + e->count - 1) + ".handle", 0));
        return e->count;
    }
    // Under the directive's matcher: one route whose handlers are each a subroute of exactly those routes
    // (Caddy consolidates adjacent php_fastcgi with equal matchers into one route of several).
    const json& route = routes[first];
    if (!only_keys(route, {"match", "handle"}) || !route["match"].is_array() || route["match"].size() != 1 ||
        !route["handle"].is_array() || route["handle"].empty())
        return 0;
    std::vector<Expansion> expansions;
    for (const json& h : route["handle"]) {
        if (!only_keys(h, {"handler", "routes"}) || h["handler"] != "subroute" || !h["routes"].is_array() || h["routes"].empty()) return 0;
        const auto e = expansion_at(h["routes"], 0);
        if (!e || e->count != h["routes"].size()) return 0;
        expansions.push_back(*e);
    }
    const std::string route_path = index_path(path, first);
    const json& set = route["match"][0];
    std::string matcher = caddyfile::inline_matcher_token(set);
    if (matcher.empty()) {
        // A named matcher may be defined anywhere in its block: Caddy reads the definitions first.
        matcher = "@m" + std::to_string(w.next_matcher_number());
        w.open(matcher);
        for (auto it = set.begin(); it != set.end(); ++it) caddyfile::write_matcher(w, it.key(), it.value(), route_path + ".match[0]." + it.key());
        w.close();
    }
    for (std::size_t i = 0; i < expansions.size(); ++i)
        write_expansion(w, matcher, expansions[i],
                        index_path(index_path(route_path + ".handle", i) + ".routes", expansions[i].count - 1) + ".handle[0]");
    return 1;
}

} // namespace proxflow::php_fastcgi
