// A subroute outside a handle block exports as a `handle` or a `route` block (both parse in caddyfile/).
#include "caddyfile/adapter.hpp"
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"
#include "config/object_reader.hpp"

#include <algorithm>

namespace proxflow::caddyfile {
namespace {

// What decides handle or route: the routes without group names and without file_server's `hide`,
// which names the Caddyfile being adapted (the probe's is not the source's) and is exported alike
// in both blocks.
json route_shape(json value) {
    if (value.is_object()) {
        value.erase("group");
        if (value.value("handler", "") == "file_server") value.erase("hide");
        for (auto& [key, inner] : value.items()) inner = route_shape(inner);
    } else if (value.is_array()) {
        for (auto& inner : value) inner = route_shape(inner);
    }
    return value;
}

// Whether `handle` reads back to this subroute. A handle block sorts its directives by Caddy's order
// and merges adjacent routes with equal matchers; a route block does neither. Where both read back
// alike, handle is what Caddy's own Caddyfiles mostly say, and its subroute takes group numbers as
// Caddy's buildSubroute does (so later group names read back the same), which a route block's does not.
bool reads_back_as_handle(const Writer& outer, const std::string& m, const json& subroute, const std::string& path) {
    Writer probe(outer.stock());
    probe.open(":1");
    write_handle_block(probe, inline_matcher_path(m) ? m : "", subroute, path);
    probe.close();
    try {
        const json adapted = adapt(probe.text(), "Caddyfile");
        const json& routes = adapted.at("apps").at("http").at("servers").at("srv0").at("routes");
        return routes.size() == 1 && route_shape(routes[0].at("handle").at(0)) == route_shape(subroute);
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace

bool write_subroute(Writer& w, const std::string& m, const json& h, const std::string& path) {
    // A route block keeps each directive its own route: a route of several handlers comes out of a
    // handle block only. One that could be either is a handle only when no other route of its block
    // is or could be one: two handle blocks would be grouped.
    const json inner = h.value("routes", json::array());
    const auto several = std::find_if(inner.begin(), inner.end(), [](const json& r) { return r.value("handle", json::array()).size() > 1; });
    if ((several != inner.end() || w.may_be_handle) && reads_back_as_handle(w, m, h, path)) {
        write_handle_block(w, m, h, path);
        return true;
    }
    if (several != inner.end())
        throw ExportError(index_path(path + ".routes", static_cast<std::size_t>(several - inner.begin())) + ".handle",
                          "several handlers in one route of a route block have no Caddyfile form");
    w.open("route" + (m.empty() ? "" : " " + m));
    if (h.contains("routes")) write_routes(w, h["routes"], path + ".routes");
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
