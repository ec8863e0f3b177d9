// A subroute outside a handle block exports as a `route` block (handle and route parse in caddyfile/).
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"
#include "config/object_reader.hpp"

namespace proxflow::caddyfile {

bool write_subroute(Writer& w, const std::string& m, const json& h, const std::string& path) {
    const std::string mt = m.empty() ? "" : " " + m;
    // A route block keeps each directive its own route: a route of several handlers cannot come out of one.
    const json inner = h.value("routes", json::array());
    for (std::size_t i = 0; i < inner.size(); ++i)
        if (inner[i].value("handle", json::array()).size() > 1)
            throw ExportError(index_path(path + ".routes", i) + ".handle", "several handlers in one route of a route block have no Caddyfile form");
    w.open("route" + mt);
    if (h.contains("routes")) write_routes(w, h["routes"], path + ".routes");
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
