// push [<matcher>] [<resource>] { [GET|HEAD] <resource>; headers { [+|-]<field> [<value|regexp> [<replacement>]] } }
// (Caddy's push parseCaddyfile), and its export.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"
#include "config/object_reader.hpp"

namespace proxflow::caddyfile {

json parse_push(Helper& h) {
    json handler{{"handler", "push"}};
    const auto add = [&](std::string method, std::string target) {
        json resource = json::object();
        if (!method.empty()) resource["method"] = method;
        if (!target.empty()) resource["target"] = target;
        handler["resources"].push_back(resource);
    };
    do {
        if (h.d.next_arg()) add("", h.d.val());
        for (const int outer = h.d.nesting(); h.d.next_block(outer);) {
            const std::string sub = h.d.val();
            if (sub == "headers") {
                if (h.d.next_arg()) h.d.wrong_args();
                for (const int inner = h.d.nesting(); h.d.next_block(inner);) {
                    std::vector<std::string> args{h.d.val()};
                    for (auto& a : h.d.remaining_args()) args.push_back(std::move(a));
                    if (args.size() > 3) h.d.wrong_args();
                    args.resize(3);
                    if (!handler.contains("headers")) handler["headers"] = json::object();
                    apply_header_op(h.d, handler["headers"], nullptr, args[0], args[1], args[2]);
                }
            } else if (sub == "GET" || sub == "HEAD") {
                if (!h.d.next_arg()) h.d.wrong_args();
                add(sub, h.d.val());
            } else {
                add("", sub);
            }
        }
    } while (h.d.next());
    return handler;
}

bool write_push(Writer& w, const std::string& m, const json& h, const std::string& path) {
    std::string head = "push" + (m.empty() ? "" : " " + m);
    std::vector<std::string> lines;
    const json resources = h.value("resources", json::array());
    for (std::size_t i = 0; i < resources.size(); ++i) {
        const json& r = resources[i];
        const std::string rpath = index_path(path + ".resources", i);
        for (const auto& [key, value] : r.items())
            if ((key != "method" && key != "target") || !value.is_string()) throw ExportError(rpath + "." + key, "has no Caddyfile form");
        const std::string method = r.value("method", ""), target = r.value("target", "");
        if (target.empty()) throw ExportError(rpath, "a resource without a target has no Caddyfile form");
        if (!method.empty()) {
            if (method != "GET" && method != "HEAD") throw ExportError(rpath + ".method", "only GET and HEAD have a Caddyfile form");
            lines.push_back(method + " " + quote(target));
        } else if (i == 0) {
            head += " " + quote(target); // on the directive's line, where no word means more
        } else if (target == "GET" || target == "HEAD" || target == "headers" || target == "{" || target == "}") {
            throw ExportError(rpath + ".target", "reads back as a subdirective in a push block");
        } else {
            lines.push_back(quote(target));
        }
    }
    for (const auto& [key, value] : h.items())
        if (key != "handler" && key != "resources" && key != "headers") throw ExportError(path + "." + key, "has no Caddyfile form");
    std::vector<std::string> header_lines;
    if (h.contains("headers")) {
        for (const auto& [key, value] : h["headers"].items())
            if (key != "set" && key != "add" && key != "delete" && key != "replace") throw ExportError(path + ".headers." + key, "has no Caddyfile form");
        header_op_lines(h["headers"], "", header_lines);
    }
    if (lines.empty() && header_lines.empty()) {
        w.line(head);
        return true;
    }
    w.open(head);
    for (const auto& l : lines) w.line(l);
    if (!header_lines.empty()) {
        w.open("headers");
        for (const auto& l : header_lines) w.line(l);
        w.close();
    }
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
