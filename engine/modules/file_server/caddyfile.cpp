// The Caddyfile faces of file serving, read as Caddy 2.6.2 reads them and written back so that
// `caddy adapt` reads the export to the same JSON:
//   file_server [<matcher>] [browse] { root, hide, index, browse [<template>], precompressed,
//                                      status, disable_canonical_uris, pass_thru }
//   root [<matcher>] <path>          (a vars handler setting "root")
//   @name file [<files...>] { root, try_files, try_policy, split_path }   (the `file` matcher)
//   try_files <files...> { policy <policy> }   (rewrites to the first file that exists: a `file`
//                                             matcher per run of files, one more for each file with
//                                             a ?query, all in one group)
#include "modules/file_server/caddyfile.hpp"

#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"
#include "modules/file_server/file_matcher.hpp"
#include "modules/file_server/file_server_config.hpp"
#include "modules/file_server/served_path.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

namespace proxflow::file_server {
namespace {

using caddyfile::Helper;
using caddyfile::quote;

std::string words(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += " " + quote(v);
    return out;
}

bool names_a_caddyfile(std::string_view path) {
    const std::string_view base = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
    return base == "Caddyfile" || base.ends_with(".caddyfile");
}

json parse_file_server(Helper& h) {
    auto& d = h.d;
    FileServerConfig c;
    const auto args = d.remaining_args();
    if (args.size() > 1 || (args.size() == 1 && args[0] != "browse")) d.wrong_args();
    if (!args.empty()) c.browse = FileServerConfig::Browse{};
    while (d.next_block(0)) {
        const std::string sub = d.val();
        if (sub == "fs") {
            d.fail("file system modules (fs) are not supported by ProxFlow yet");
        } else if (sub == "hide" || sub == "index") {
            auto list = d.remaining_args();
            if (list.empty()) d.wrong_args();
            (sub == "hide" ? c.hide : c.index_names) = std::move(list);
        } else if (sub == "root") {
            if (!d.next_arg()) d.wrong_args();
            c.root = d.val();
            if (d.next_arg()) d.wrong_args();
        } else if (sub == "browse") {
            if (c.browse) d.fail("browsing is already configured");
            c.browse = FileServerConfig::Browse{};
            if (d.next_arg()) c.browse->template_file = d.val();
        } else if (sub == "precompressed") {
            c.precompressed.clear();
            c.precompressed_order.clear();
            while (d.next_arg()) {
                if (!find_precompressor(d.val()))
                    d.fail("getting module named 'http.precompressed." + d.val() + "': module not registered: http.precompressed." + d.val());
                if (std::find(c.precompressed.begin(), c.precompressed.end(), d.val()) == c.precompressed.end())
                    c.precompressed.push_back(d.val());
                c.precompressed_order.push_back(d.val());
            }
        } else if (sub == "status") {
            if (!d.next_arg()) d.wrong_args();
            c.status_code = d.val();
        } else if (sub == "disable_canonical_uris") {
            if (d.next_arg()) d.wrong_args();
            c.canonical_uris = false;
        } else if (sub == "pass_thru") {
            if (d.next_arg()) d.wrong_args();
            c.pass_thru = true;
        } else {
            d.fail("unknown subdirective '" + sub + "'");
        }
    }
    // Caddy hides the Caddyfile it read (a bare name as "./name", so only that file is hidden).
    std::set<std::string> files;
    for (const auto& token : d.tokens()) files.insert(clean_path(token.file_name()));
    for (std::string file : files) {
        if (file_hidden(file, c.hide)) continue;
        if (file.find('/') == std::string::npos) file = "./" + file;
        c.hide.push_back(file);
    }
    json handler = c.to_json();
    handler["handler"] = "file_server";
    return handler;
}

json parse_root(Helper& h) {
    if (!h.d.next_arg()) h.d.wrong_args();
    const std::string root = h.d.val();
    if (h.d.next_arg()) h.d.wrong_args();
    return {{"handler", "vars"}, {"root", root}};
}

bool write_file_server(caddyfile::Writer& w, const std::string& m, const json& handler, const std::string& path) {
    FileServerConfig c;
    try {
        ObjectReader r(handler, path);
        c = FileServerConfig::from_json(r);
    } catch (const ConfigError& e) {
        throw caddyfile::ExportError(e.path(), e.what());
    }
    const std::string head = "file_server" + (m.empty() ? "" : " " + m);
    std::vector<std::string> body;
    if (!c.root.empty()) body.push_back("root " + quote(c.root));
    // Caddy's adapter ends hide with the path of the Caddyfile it read, and adds it again for the
    // file the export is read from: a last entry that names a Caddyfile is left to that.
    if (!c.hide.empty() && names_a_caddyfile(c.hide.back())) c.hide.pop_back();
    if (!c.hide.empty()) body.push_back("hide" + words(c.hide));
    if (!c.index_names.empty()) body.push_back("index" + words(c.index_names));
    if (c.browse) body.push_back("browse" + (c.browse->template_file.empty() ? "" : " " + quote(c.browse->template_file)));
    if (!c.precompressed.empty() || !c.precompressed_order.empty()) {
        // The Caddyfile names each precompressor once, in preference order, and sets both fields from that.
        const std::set<std::string> named(c.precompressed.begin(), c.precompressed.end());
        const std::set<std::string> ordered(c.precompressed_order.begin(), c.precompressed_order.end());
        if (named != ordered || ordered.size() != c.precompressed_order.size())
            throw caddyfile::ExportError(path + ".precompressed_order",
                                         "a Caddyfile's precompressed line sets both fields, so precompressed_order must name each precompressor once");
        body.push_back("precompressed" + words(c.precompressed_order));
    }
    if (!c.status_code.empty()) body.push_back("status " + quote(c.status_code));
    if (c.canonical_uris) {
        if (*c.canonical_uris) throw caddyfile::ExportError(path + ".canonical_uris", "an explicit true has no Caddyfile form; leave it out (true is the default)");
        body.push_back("disable_canonical_uris");
    }
    if (c.pass_thru) body.push_back("pass_thru");
    if (body.empty()) {
        w.line(head);
        return true;
    }
    w.open(head);
    for (const auto& line : body) w.line(line);
    w.close();
    return true;
}

// A vars handler that only sets "root" is what the root directive makes; others are vars' own.
bool write_root(caddyfile::Writer& w, const std::string& m, const json& handler, const std::string&) {
    if (handler.size() != 2 || !handler.contains("root") || !handler["root"].is_string()) return false;
    // Without a matcher the path would be read as one, so `*` stands in.
    w.line("root " + (m.empty() ? std::string("*") : m) + " " + quote(handler["root"].get<std::string>()));
    return true;
}

constexpr std::string_view relative_file = "{http.matchers.file.relative}";

// One route a try_files directive made: its files, the ?query its rewrite appends, its policy and group.
struct TryFilesRoute {
    std::vector<std::string> files;
    std::string query;
    std::string policy;
    std::string group;
};

std::optional<TryFilesRoute> try_files_route(const json& route) {
    if (!route.is_object() || !route.contains("match") || !route.contains("handle")) return std::nullopt;
    for (auto it = route.begin(); it != route.end(); ++it)
        if (it.key() != "match" && it.key() != "handle" && it.key() != "group") return std::nullopt;
    const json& match = route["match"];
    const json& handle = route["handle"];
    if (!match.is_array() || match.size() != 1 || !match[0].is_object() || match[0].size() != 1 || !match[0].contains("file"))
        return std::nullopt;
    if (!handle.is_array() || handle.size() != 1 || !handle[0].is_object() || handle[0].size() != 2 ||
        handle[0].value("handler", json()) != "rewrite" || !handle[0].contains("uri") || !handle[0]["uri"].is_string())
        return std::nullopt;
    FileMatchConfig m;
    try {
        m = FileMatchConfig::from_json(match[0]["file"], "file");
    } catch (const ConfigError&) {
        return std::nullopt;
    }
    if (!m.root.empty() || !m.split_path.empty() || !m.try_files || m.try_files->empty()) return std::nullopt;
    const std::string uri = handle[0]["uri"];
    if (!uri.starts_with(relative_file)) return std::nullopt;
    TryFilesRoute out{*m.try_files, uri.substr(relative_file.size()), m.try_policy, ""};
    if (!out.query.empty() && (out.query.front() != '?' || out.files.size() != 1)) return std::nullopt;
    for (const auto& f : out.files)
        if (f.find('?') != std::string::npos) return std::nullopt; // the directive would have split it off
    if (route.contains("group")) {
        if (!route["group"].is_string() || route["group"] == "") return std::nullopt;
        out.group = route["group"];
    }
    return out;
}

} // namespace

void parse_file_matcher(caddyfile::Dispenser& d, json& value) {
    if (value.is_null()) value = json::object();
    // Files from the matcher's line and from try_files lines add up, as Caddy's UnmarshalCaddyfile appends.
    auto add_files = [&](const std::vector<std::string>& files) {
        if (files.empty()) return;
        json& list = value["try_files"];
        if (!list.is_array()) list = json::array();
        for (const auto& f : files) list.push_back(f);
    };
    add_files(d.remaining_args());
    while (d.next_block(0)) {
        const std::string sub = d.val();
        if (sub == "root" || sub == "try_policy") {
            if (!d.next_arg()) d.wrong_args();
            value[sub] = d.val();
        } else if (sub == "try_files") {
            add_files(d.remaining_args());
            if (!value.contains("try_files")) d.wrong_args();
        } else if (sub == "split_path") {
            const auto delimiters = d.remaining_args();
            if (delimiters.empty()) d.wrong_args();
            value["split_path"] = delimiters;
        } else {
            d.fail("unrecognized subdirective: " + sub);
        }
    }
}

void write_file_matcher(caddyfile::Writer& w, const json& value, const std::string& path) {
    FileMatchConfig c;
    try {
        c = FileMatchConfig::from_json(value, path);
    } catch (const ConfigError& e) {
        throw caddyfile::ExportError(e.path(), e.what());
    }
    std::string head = "file";
    if (c.try_files) {
        if (c.try_files->empty())
            throw caddyfile::ExportError(path + ".try_files", "an empty try_files (nothing ever matches) has no Caddyfile form");
        head += words(*c.try_files);
    }
    std::vector<std::string> body;
    if (!c.root.empty()) body.push_back("root " + quote(c.root));
    if (!c.try_policy.empty()) body.push_back("try_policy " + quote(c.try_policy));
    if (!c.split_path.empty()) body.push_back("split_path" + words(c.split_path));
    if (body.empty()) {
        w.line(head);
        return;
    }
    w.open(head);
    for (const auto& line : body) w.line(line);
    w.close();
}

std::vector<caddyfile::ConfigValue> parse_try_files(Helper& h) {
    auto& d = h.d;
    if (!d.next()) d.wrong_args();
    const auto files = d.remaining_args();
    if (files.empty()) d.wrong_args();
    std::string policy;
    for (const int nesting = d.nesting(); d.next_block(nesting);) {
        if (d.val() != "policy") continue; // Caddy 2.6.2 passes over anything else in the block
        if (!policy.empty()) d.fail("try policy already configured");
        if (!d.next_arg()) d.wrong_args();
        policy = d.val();
        if (policy.empty() || !try_policy_named(policy)) d.fail("unrecognized try policy: " + policy);
    }
    std::vector<caddyfile::ConfigValue> routes;
    auto add_route = [&](std::vector<std::string> tried, const std::string& query) {
        FileMatchConfig m;
        m.try_files = std::move(tried);
        m.try_policy = policy;
        auto route = h.new_route(json{{"file", m.to_json()}}, {{"handler", "rewrite"}, {"uri", std::string(relative_file) + query}});
        routes.insert(routes.end(), route.begin(), route.end());
    };
    // A file with a ?query gets a route of its own, since its rewrite keeps that query.
    std::vector<std::string> run;
    for (const auto& item : files) {
        const auto q = item.find('?');
        if (q == std::string::npos) {
            run.push_back(item);
            continue;
        }
        if (!run.empty()) add_route(std::exchange(run, {}), "");
        add_route({item.substr(0, q)}, item.substr(q));
    }
    if (!run.empty()) add_route(std::move(run), "");
    // Several routes are one group, so only the first that matches rewrites (Caddy's GroupRoutes).
    if (routes.size() > 1) {
        const std::string group = h.groups.next_group();
        for (auto& r : routes) r.value["group"] = group;
    }
    return routes;
}

std::size_t write_try_files(caddyfile::Writer& w, const json& routes, std::size_t first, const std::string&) {
    const auto head = try_files_route(routes[first]);
    if (!head) return 0;
    std::vector<TryFilesRoute> parts{*head};
    if (!head->group.empty()) {
        // The whole group, and nothing else in it: a lone grouped route is a rewrite's, not try_files'.
        if (first > 0 && routes[first - 1].is_object() && routes[first - 1].value("group", json()) == head->group) return 0;
        std::size_t next = first + 1;
        for (; next < routes.size(); ++next) {
            const auto part = try_files_route(routes[next]);
            // Adjacent runs without a query would have been one route.
            if (!part || part->group != head->group || part->policy != head->policy ||
                (part->query.empty() && parts.back().query.empty()))
                break;
            parts.push_back(*part);
        }
        if (parts.size() < 2) return 0;
        if (next < routes.size() && routes[next].is_object() && routes[next].value("group", json()) == head->group) return 0;
    }
    std::string line = "try_files";
    for (const auto& part : parts) {
        if (part.query.empty()) line += words(part.files);
        else line += " " + quote(part.files.front() + part.query);
    }
    if (head->policy.empty()) {
        w.line(line);
    } else {
        w.open(line);
        w.line("policy " + quote(head->policy));
        w.close();
    }
    return parts.size();
}

std::vector<DirectiveSpec> directives() {
    return {{.name = "file_server", .parse = caddyfile::handler_directive(parse_file_server)},
            {.name = "root", .parse = caddyfile::handler_directive(parse_root)},
            {.name = "try_files", .parse = parse_try_files}};
}

std::vector<ExporterSpec> exporters() {
    return {{.handler = "file_server", .write = write_file_server}, {.handler = "vars", .write = write_root}};
}

} // namespace proxflow::file_server
