#include "caddyfile/directives.hpp"

#include "caddyfile/matchers.hpp"
#include "caddyfile/options.hpp"
#include "caddyfile/parser.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace proxflow::caddyfile {

// Defined beside each directive.
void register_builtin_directives(std::map<std::string, DirectiveParser>& registry);
void register_log_directives(std::map<std::string, DirectiveParser>& registry);
void register_tls_directive(std::map<std::string, DirectiveParser>& registry);

namespace {

const std::map<std::string, DirectiveParser>& registry() {
    static const auto directives = [] {
        std::map<std::string, DirectiveParser> r;
        register_builtin_directives(r);
        register_log_directives(r);
        register_tls_directive(r);
        for (const auto& directive : module_directives()) r[directive.name] = directive.parse;
        return r;
    }();
    return directives;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// A path matcher with exactly one path, in a route with exactly one matcher set: its length.
std::size_t single_path_length(const json& route) {
    if (!route.contains("match") || route["match"].size() != 1) return 0;
    const json& set = route["match"][0];
    if (!set.contains("path") || set["path"].size() != 1) return 0;
    return set["path"][0].get<std::string>().size();
}

} // namespace

const DirectiveParser* find_directive(const std::string& name) {
    auto it = registry().find(name);
    return it == registry().end() ? nullptr : &it->second;
}

std::string nearest_directive(const std::string& name) {
    std::string best;
    std::size_t best_distance = 3; // farther than this is not a typo
    for (const auto& [known, parser] : registry()) {
        const auto distance = edit_distance(name, known);
        if (distance < best_distance) {
            best_distance = distance;
            best = known;
        }
    }
    return best;
}

bool is_unsupported_caddy_directive(const std::string& name) {
    // Every directive of stock Caddy (2.6.2, and names later versions added); asked only about
    // names no module registered, so a directive a module adapts drops out of it by itself.
    static const std::set<std::string> caddy_directives{
        "abort", "acme_server", "basic_auth", "basicauth", "bind", "encode", "error", "file_server", "forward_auth", "fs",
        "handle", "handle_errors", "handle_path", "header", "intercept", "invoke", "log", "log_append", "log_name",
        "log_skip", "map", "method", "metrics", "php_fastcgi", "push", "redir", "request_body", "request_header",
        "respond", "reverse_proxy", "rewrite", "root", "route", "skip_log", "templates", "tls", "tracing", "try_files",
        "uri", "vars"};
    return caddy_directives.contains(name) && !find_directive(name);
}

int directive_position(const std::string& name, const std::vector<std::string>& order) {
    auto it = std::find(order.begin(), order.end(), name);
    return it == order.end() ? static_cast<int>(order.size()) : static_cast<int>(it - order.begin());
}

std::vector<ConfigValue> parse_directives(const Tokens& block, MatcherDefs& matchers, AdaptCounters& groups,
                                          const Options& options, bool routes_only) {
    std::vector<ConfigValue> results;
    ServerBlock parsed;
    const auto segments = parse_blocks_body(block);
    for (const auto& seg : segments)
        if (seg.directive().starts_with("@") && !seg.tokens.front().quoted) parse_matcher_definition(seg.tokens, matchers);
    for (const auto& seg : segments) {
        const Token& first = seg.tokens.front();
        if (first.text.starts_with("@") && !first.quoted) continue;
        const DirectiveParser* parser = find_directive(first.text);
        if (!parser) {
            if (is_unsupported_caddy_directive(first.text))
                throw AdaptError(first.file_name(), first.line, "directive '" + first.text + "' is not supported by ProxFlow yet");
            std::string message = "unrecognized directive: " + first.text;
            if (const auto near = nearest_directive(first.text); !near.empty()) message += " (did you mean '" + near + "'?)";
            throw AdaptError(first.file_name(), first.line, message);
        }
        Helper h(Dispenser(seg.tokens), matchers, groups, options);
        std::vector<ConfigValue> values;
        try {
            values = (*parser)(h);
        } catch (const std::logic_error&) {
            // std::stoi and friends on a number too large or malformed for the field.
            const int at = std::clamp(h.d.cursor(), 0, static_cast<int>(seg.tokens.size()) - 1);
            const Token& where = seg.tokens[static_cast<std::size_t>(at)];
            throw AdaptError(where.file_name(), where.line, first.text + ": '" + where.text + "' is malformed or out of range");
        }
        for (auto& value : values) {
            if (routes_only && value.klass != "route")
                throw AdaptError(first.file_name(), first.line, "directive '" + first.text + "' is not an ordered HTTP handler, so it cannot be used here");
            if (value.directive.empty()) value.directive = first.text;
            results.push_back(std::move(value));
        }
    }
    return results;
}

json consolidate_routes(json routes) {
    for (std::size_t i = 0; i + 1 < routes.size();) {
        json& a = routes[i];
        const json& b = routes[i + 1];
        const auto field = [](const json& r, const char* key) { return r.contains(key) ? r[key] : json(); };
        if (field(a, "match") == field(b, "match") && field(a, "terminal") == field(b, "terminal") &&
            field(a, "group") == field(b, "group")) {
            if (b.contains("handle")) {
                if (!a.contains("handle")) a["handle"] = json::array();
                for (const auto& handler : b["handle"]) a["handle"].push_back(handler);
            }
            routes.erase(i + 1);
            continue;
        }
        ++i;
    }
    return routes;
}

bool sorts_before_within_directive(const std::string& directive, const json& a, const json& b) {
    const auto a_len = single_path_length(a), b_len = single_path_length(b);
    const bool a_matched = a.contains("match"), b_matched = b.contains("match");
    if (directive == "vars") {
        if (a_len > 0 && b_len > 0) return a_len < b_len;
        return !a_matched && b_matched;
    }
    if (a_len > 0 && b_len > 0) return a_len > b_len;
    return a_matched && !b_matched;
}

json build_subroute(std::vector<ConfigValue> routes, AdaptCounters& groups, const Options& options) {
    for (const auto& r : routes)
        if (directive_position(r.directive, options.order) == static_cast<int>(options.order.size()))
            throw AdaptError("Caddyfile", 0, "directive '" + r.directive + "' is not ordered, so it cannot be used here");
    std::stable_sort(routes.begin(), routes.end(), [&](const ConfigValue& a, const ConfigValue& b) {
        if (a.directive != b.directive)
            return directive_position(a.directive, options.order) < directive_position(b.directive, options.order);
        if (a.keeps_order || b.keeps_order) return false;
        return sorts_before_within_directive(a.directive, a.value, b.value);
    });

    // handle, rewrite and root are mutually exclusive: each kind goes in one group (rewrite always).
    std::map<std::string, std::string> group_of;
    for (const char* dir : {"handle", "rewrite", "root"}) {
        const auto count = std::count_if(routes.begin(), routes.end(), [&](const ConfigValue& r) { return r.directive == dir; });
        if (count > 1 || std::string(dir) == "rewrite") group_of[dir] = groups.next_group();
    }
    json out = json::array();
    for (auto& r : routes) {
        if (r.keeps_order) {
            for (const auto& route : r.value) out.push_back(route);
            continue;
        }
        if (auto g = group_of.find(r.directive); g != group_of.end() && !g->second.empty()) r.value["group"] = g->second;
        out.push_back(r.value);
    }
    return consolidate_routes(std::move(out));
}

DirectiveParser handler_directive(HandlerParser parse) {
    return [parse](Helper& h) {
        const json matcher = h.extract_matcher_set();
        h.d.next();
        json handler = parse(h);
        return h.new_route(matcher, std::move(handler));
    };
}

json parse_block_as_subroute(Helper& h, bool sorted) {
    // Arguments after the directive (and its matcher) are not allowed before the block.
    while (h.d.next_arg()) {
    }
    const Tokens block = h.d.take_block();
    MatcherDefs matchers = h.matchers;
    auto values = parse_directives(block, matchers, h.groups, h.options, true);
    json subroute{{"handler", "subroute"}};
    json routes = json::array();
    if (sorted) {
        routes = build_subroute(std::move(values), h.groups, h.options);
    } else {
        for (auto& v : values) {
            if (v.klass != "route") continue;
            if (v.keeps_order) for (const auto& r : v.value) routes.push_back(r);
            else routes.push_back(v.value);
        }
    }
    if (!routes.empty()) subroute["routes"] = routes;
    return subroute;
}

} // namespace proxflow::caddyfile
