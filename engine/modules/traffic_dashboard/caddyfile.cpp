// ProxFlow's traffic_dashboard directive and its export (left out, with a warning, for stock Caddy).
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"

namespace proxflow::caddyfile {
// ProxFlow's live traffic page: traffic_dashboard [path] { path /dashboard; update_interval 1s }.
json parse_traffic_dashboard(Helper& h) {
    json handler{{"handler", "traffic_dashboard"}};
    if (h.d.next_arg()) handler["path"] = h.d.val();
    while (h.d.next_block(0)) {
        const std::string option = h.d.val();
        if (!h.d.next_arg()) h.d.wrong_args();
        if (option == "path") handler["path"] = h.d.val();
        else if (option == "update_interval") handler["update_interval"] = parse_caddy_duration(h.d, h.d.val());
        else h.d.fail("unrecognized traffic_dashboard option '" + option + "'");
    }
    return handler;
}

bool write_traffic_dashboard(Writer& w, const std::string& m, const json& h, const std::string& path) {
    const std::string mt = m.empty() ? "" : " " + m;
    if (w.stock()) {
        w.warnings.push_back(path + ": traffic_dashboard is ProxFlow's own directive; stock Caddy has none (left out)");
        return true;
    }
    w.open("traffic_dashboard" + mt);
    if (h.contains("path")) w.line("path " + quote(h["path"]));
    if (h.contains("update_interval")) w.line("update_interval " + duration(h["update_interval"], path + ".update_interval"));
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
