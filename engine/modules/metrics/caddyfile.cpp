// The metrics directive and its export.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"

namespace proxflow::caddyfile {
json parse_metrics(Helper& h) {
    json handler{{"handler", "metrics"}};
    while (h.d.next_block(0)) {
        if (h.d.val() == "disable_openmetrics") handler["disable_openmetrics"] = true;
        else h.d.fail("unrecognized metrics option '" + h.d.val() + "'");
    }
    return handler;
}

bool write_metrics(Writer& w, const std::string& m, const json& h, const std::string&) {
    const std::string head = "metrics" + (m.empty() ? "" : " " + m);
    if (!h.value("disable_openmetrics", false)) {
        w.line(head);
        return true;
    }
    w.open(head);
    w.line("disable_openmetrics");
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
