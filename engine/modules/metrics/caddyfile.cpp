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

bool write_metrics(Writer& w, const std::string& m, const json& h, const std::string& path) {
    const std::string mt = m.empty() ? "" : " " + m;
    w.line("metrics" + mt);
    return true;
}

} // namespace proxflow::caddyfile
