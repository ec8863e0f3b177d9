// A subroute outside a handle block exports as a `route` block (handle and route parse in caddyfile/).
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"
#include "config/object_reader.hpp"

#include <algorithm>

namespace proxflow::caddyfile {

bool write_subroute(Writer& w, const std::string& m, const json& h, const std::string& path) {
    const std::string mt = m.empty() ? "" : " " + m;
    // A route block keeps each directive its own route: a route of several handlers comes out of a
    // handle block, which consolidates adjacent routes with equal matchers (Caddy's buildSubroute).
    const json inner = h.value("routes", json::array());
    if (std::any_of(inner.begin(), inner.end(), [](const json& r) { return r.value("handle", json::array()).size() > 1; })) {
        write_handle_block(w, m, h, path);
        return true;
    }
    w.open("route" + mt);
    if (h.contains("routes")) write_routes(w, h["routes"], path + ".routes");
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
