// rewrite and uri: the directives that make a rewrite handler, and its export.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"

namespace proxflow::caddyfile {
json parse_uri(Helper& h) {
    auto args = h.d.remaining_args();
    if (args.size() < 2) h.d.wrong_args();
    json handler{{"handler", "rewrite"}};
    const std::string& op = args[0];
    if (op == "strip_prefix") {
        if (args.size() > 2) h.d.wrong_args();
        handler["strip_path_prefix"] = args[1].starts_with("/") ? args[1] : "/" + args[1];
    } else if (op == "strip_suffix") {
        if (args.size() > 2) h.d.wrong_args();
        handler["strip_path_suffix"] = args[1];
    } else if (op == "replace") {
        if (args.size() != 3 && args.size() != 4) h.d.wrong_args();
        json sub{{"find", args[1]}, {"replace", args[2]}};
        if (args.size() == 4) sub["limit"] = std::stoi(args[3]);
        handler["uri_substring"] = json::array({sub});
    } else if (op == "path_regexp") {
        if (args.size() != 3) h.d.wrong_args();
        handler["path_regexp"] = json::array({{{"find", args[1]}, {"replace", args[2]}}});
    } else {
        h.d.fail("unrecognized URI manipulation '" + op + "'");
    }
    return handler;
}

json parse_rewrite(Helper& h) {
    if (!h.d.next_arg()) h.d.wrong_args();
    json handler{{"handler", "rewrite"}, {"uri", h.d.val()}};
    if (h.d.next_arg()) h.d.wrong_args();
    return handler;
}

// method <method>: as written (the rewrite upper-cases it when it runs).
json parse_method(Helper& h) {
    if (!h.d.next_arg()) h.d.wrong_args();
    json handler{{"handler", "rewrite"}, {"method", h.d.val()}};
    if (h.d.next_arg()) h.d.wrong_args();
    return handler;
}

bool write_rewrite(Writer& w, const std::string& m, const json& h, const std::string& path) {
    const std::string mt = m.empty() ? "" : " " + m;
    if (h.contains("strip_path_prefix")) w.line("uri" + mt + " strip_prefix " + quote(h["strip_path_prefix"]));
    if (h.contains("strip_path_suffix")) w.line("uri" + mt + " strip_suffix " + quote(h["strip_path_suffix"]));
    if (h.contains("uri")) {
        // Without a matcher, a URI Caddy would take for one (/path, *, @name) needs the `*` before it.
        const std::string uri = h["uri"].is_string() ? h["uri"].get<std::string>() : "";
        const bool looks_like_matcher = uri == "*" || uri.starts_with("/") || uri.starts_with("@");
        w.line("rewrite" + (m.empty() && looks_like_matcher ? std::string(" *") : mt) + " " + quote(h["uri"]));
    }
    if (h.contains("uri_substring"))
        for (const auto& s : h["uri_substring"])
            w.line("uri" + mt + " replace " + quote(s["find"]) + " " + quote(s["replace"]) +
                   (s.contains("limit") ? " " + str(s["limit"]) : ""));
    if (h.contains("path_regexp"))
        for (const auto& s : h["path_regexp"]) w.line("uri" + mt + " path_regexp " + quote(s["find"]) + " " + quote(s["replace"]));
    if (h.contains("method")) {
        // Only the method directive makes a method rewrite, and it makes nothing else.
        if (h.size() > 2) throw ExportError(path + ".method", "a method rewrite together with a URI rewrite has no Caddyfile form");
        w.line("method" + mt + " " + quote(h["method"]));
    }
    return true;
}

} // namespace proxflow::caddyfile
