// The directives of the Caddyfile language itself: bind, and the blocks handle, handle_path, route and handle_errors.
// Handlers' directives live in their modules (modules/<name>/caddyfile.cpp).
#include "caddyfile/directives.hpp"

#include <map>

namespace proxflow::caddyfile {
namespace {

std::vector<ConfigValue> parse_bind(Helper& h) {
    h.d.next();
    auto hosts = h.d.remaining_args();
    if (hosts.empty()) h.d.wrong_args();
    return {ConfigValue{"bind", "bind", hosts}};
}

} // namespace

// Caddy's handle_path strips what comes before the path's trailing "/*" (or "*"), and writes the
// rewrite even when that leaves nothing ("/*" strips "").
json strip_prefix_rewrite(const std::string& path) {
    std::string prefix = path;
    if (prefix.ends_with("/*")) prefix.resize(prefix.size() - 2);
    else if (prefix.ends_with("*")) prefix.pop_back();
    json rewrite{{"handler", "rewrite"}};
    if (!prefix.empty()) rewrite["strip_path_prefix"] = prefix;
    return rewrite;
}

namespace {

std::vector<ConfigValue> parse_handle_path(Helper& h) {
    h.d.next();
    if (!h.d.next_arg()) h.d.fail("a path matcher is required");
    const std::string path = h.d.val();
    if (!path.starts_with("/")) h.d.fail("path matcher must begin with '/', got " + path);
    json subroute = parse_block_as_subroute(h, true);
    json routes = subroute.contains("routes") ? subroute["routes"] : json::array();
    routes.insert(routes.begin(), json{{"handle", {strip_prefix_rewrite(path)}}});
    subroute["routes"] = routes;
    json route{{"match", {{{"path", {path}}}}}, {"handle", {subroute}}};
    // Caddy files handle_path under "handle", so both sort and group together.
    return {ConfigValue{"route", "handle", route}};
}

// handle_errors { ... }: the site's error routes (Caddy's parseHandleErrors); the adapter puts them
// under the server's errors.routes behind the site's hosts.
std::vector<ConfigValue> parse_handle_errors(Helper& h) {
    h.d.next();
    if (h.d.next_arg()) h.d.wrong_args();
    return {ConfigValue{"error_route", "handle_errors", parse_block_as_subroute(h, true)}};
}

} // namespace

void register_builtin_directives(std::map<std::string, DirectiveParser>& r) {
    r["bind"] = parse_bind;
    r["handle"] = handler_directive([](Helper& h) { return parse_block_as_subroute(h, true); });
    r["route"] = handler_directive([](Helper& h) { return parse_block_as_subroute(h, false); });
    r["handle_path"] = parse_handle_path;
    r["handle_errors"] = parse_handle_errors;
}

} // namespace proxflow::caddyfile
