#pragma once
#include "caddyfile/helper.hpp"

#include <functional>
#include <string>
#include <vector>

namespace proxflow::caddyfile {

using DirectiveParser = std::function<std::vector<ConfigValue>(Helper&)>;

// A site-block directive a module registers. module/caddyfile_registry.cpp lists them from the
// module list, so that caddyfile/ sits below module/ and never includes it.
struct ModuleDirective {
    std::string name;
    DirectiveParser parse;
    std::string order_after; // see DirectiveSpec::order_after
};
const std::vector<ModuleDirective>& module_directives();

// The registry of site-block directives; each lives in the file named after it (or its group).
const DirectiveParser* find_directive(const std::string& name);
// The nearest known directive name, for "did you mean" in errors.
std::string nearest_directive(const std::string& name);
// Names of real Caddy directives ProxFlow does not adapt yet (for a precise error).
bool is_unsupported_caddy_directive(const std::string& name);

// Caddy's directive order (the `order` global option may move some).
int directive_position(const std::string& name, const std::vector<std::string>& order);

// Parses every segment of a block's tokens into config values (the directives of a site, handle,
// route ...). named_matchers: where "@name" definitions of this block go. routes_only: a block of
// handlers (handle, route ...), where a directive like tls or bind is an error at its line.
std::vector<ConfigValue> parse_directives(const Tokens& block, MatcherDefs& matchers, AdaptCounters& groups,
                                          const Options& options, bool routes_only = false);

// Sorts routes by directive order, groups mutually exclusive ones, splices and consolidates them:
// Caddy's buildSubroute. Returns the subroute's routes.
json build_subroute(std::vector<ConfigValue> routes, AdaptCounters& groups, const Options& options);

// Caddy's order of two routes of one directive (sortRoutes): the longer single path first (vars: the
// shorter), else a route with a matcher before one without.
bool sorts_before_within_directive(const std::string& directive, const nlohmann::json& a, const nlohmann::json& b);

// Adjacent routes with equal matchers, terminal flag and group become one.
json consolidate_routes(json routes);

// Registration helpers: a directive that makes one handler under an optional matcher.
using HandlerParser = std::function<json(Helper&)>;
DirectiveParser handler_directive(HandlerParser parse);

// The first handler of handle_path's subroute for its path matcher: a rewrite stripping the prefix.
json strip_prefix_rewrite(const std::string& path);

// The segment's block parsed as directives and built into a subroute handler (handle, route ...).
json parse_block_as_subroute(Helper& h, bool sorted);

} // namespace proxflow::caddyfile
