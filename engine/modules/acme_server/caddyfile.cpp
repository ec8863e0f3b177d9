// acme_server [<matcher>] { ca <id> } (Caddy's acmeserver parseACMEServer): the handler, and the CA
// it names for the pki app; and its export.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"

namespace proxflow::caddyfile {

std::vector<ConfigValue> parse_acme_server(Helper& h) {
    const json matcher = h.extract_matcher_set();
    h.d.next();
    json handler{{"handler", "acme_server"}};
    std::string ca;
    do {
        if (h.d.next_arg()) h.d.wrong_args();
        while (h.d.next_block(0)) {
            if (h.d.val() != "ca") continue; // Caddy passes over what it does not know
            const auto args = h.d.remaining_args();
            if (args.size() != 1) h.d.wrong_args();
            ca = args[0];
            handler["ca"] = ca;
        }
    } while (h.d.next());
    auto values = h.new_route(matcher, handler);
    // The CA joins the pki app (unless the pki option defines it), as Caddy's "pki.ca" value.
    if (handler.contains("ca")) values.push_back(ConfigValue{"pki.ca", "acme_server", ca});
    return values;
}

bool write_acme_server(Writer& w, const std::string& m, const json& h, const std::string& path) {
    for (const auto& [key, value] : h.items())
        if (key != "handler" && key != "ca") throw ExportError(path + "." + key, "has no Caddyfile form");
    const std::string head = "acme_server" + (m.empty() ? "" : " " + m);
    if (!h.contains("ca")) {
        w.line(head);
        return true;
    }
    if (!h["ca"].is_string() || h["ca"].get<std::string>().empty()) throw ExportError(path + ".ca", "expected a CA id");
    w.open(head);
    w.line("ca " + quote(h["ca"]));
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
