// templates [<matcher>] { mime <types…>; between <open> <close>; root <path> } (Caddy's templates
// parseCaddyfile, which passes over subdirectives it does not know), and its export.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"

namespace proxflow::caddyfile {

json parse_templates(Helper& h) {
    json handler{{"handler", "templates"}};
    // Caddy reads blocks after every token of the segment, so arguments before the block go unread.
    do {
        while (h.d.next_block(0)) {
            const std::string sub = h.d.val();
            if (sub == "mime") {
                const auto types = h.d.remaining_args();
                if (types.empty()) h.d.wrong_args();
                handler["mime_types"] = types;
            } else if (sub == "between") {
                const auto delimiters = h.d.remaining_args();
                if (delimiters.size() != 2) h.d.wrong_args();
                handler["delimiters"] = delimiters;
            } else if (sub == "root") {
                if (!h.d.next_arg()) h.d.wrong_args();
                handler["file_root"] = h.d.val();
            }
        }
    } while (h.d.next());
    return handler;
}

bool write_templates(Writer& w, const std::string& m, const json& h, const std::string& path) {
    std::vector<std::string> lines;
    for (const auto& [key, value] : h.items()) {
        const std::string fpath = path + "." + key;
        if (key == "handler") continue;
        std::string line;
        if (key == "mime_types" && value.is_array() && !value.empty()) {
            line = "mime";
        } else if (key == "delimiters" && value.is_array() && value.size() == 2) {
            line = "between";
        } else if (key == "file_root" && value.is_string()) {
            if (!value.get<std::string>().empty()) lines.push_back("root " + quote(value));
            continue;
        } else {
            throw ExportError(fpath, "has no Caddyfile form");
        }
        for (const auto& v : value) {
            if (!v.is_string()) throw ExportError(fpath, "expected strings");
            line += " " + quote(v);
        }
        lines.push_back(line);
    }
    const std::string head = "templates" + (m.empty() ? "" : " " + m);
    if (lines.empty()) {
        w.line(head);
        return true;
    }
    w.open(head);
    for (const auto& l : lines) w.line(l);
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
