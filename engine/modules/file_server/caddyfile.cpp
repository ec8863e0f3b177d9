// The Caddyfile faces of file serving, read as Caddy 2.6.2 reads them and written back so that
// `caddy adapt` reads the export to the same JSON:
//   file_server [<matcher>] [browse] { root, hide, index, browse [<template>], precompressed,
//                                      status, disable_canonical_uris, pass_thru }
//   root [<matcher>] <path>          (a vars handler setting "root")
#include "modules/file_server/caddyfile.hpp"

#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"
#include "modules/file_server/file_server_config.hpp"
#include "modules/file_server/served_path.hpp"

#include <algorithm>
#include <set>

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

} // namespace

std::vector<DirectiveSpec> directives() {
    return {{.name = "file_server", .parse = caddyfile::handler_directive(parse_file_server)},
            {.name = "root", .parse = caddyfile::handler_directive(parse_root)}};
}

std::vector<ExporterSpec> exporters() {
    return {{.handler = "file_server", .write = write_file_server}, {.handler = "vars", .write = write_root}};
}

} // namespace proxflow::file_server
