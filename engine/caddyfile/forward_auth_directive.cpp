// `forward_auth`: Caddy 2.6's shortcut for a reverse_proxy that asks an auth server first. The
// request goes as GET to `uri` with X-Forwarded-Method/-Uri; a 2xx answer copies the listed header
// fields onto the request and lets the next handlers run; any other answer goes to the client.
#include "caddyfile/directives.hpp"
#include "caddyfile/reverse_proxy_directive.hpp"

#include <map>

namespace proxflow::caddyfile {
namespace {

std::vector<ConfigValue> parse_forward_auth(Helper& h) {
    const json matcher = h.extract_matcher_set();
    const Tokens& tokens = h.d.tokens();
    Dispenser d(tokens);
    d.next();
    d.remaining_args();
    // uri and copy_headers are forward_auth's own; every other line is a reverse_proxy subdirective.
    std::vector<bool> own(tokens.size(), false);
    std::string uri;
    std::map<std::string, std::string> copies; // from -> to, as Caddy's map (JSON objects sort anyway)
    while (d.next_block(0)) {
        if (d.nesting() != 1 || !d.token().line_break) continue;
        const int start = d.cursor();
        const std::string sub = d.val();
        if (sub == "uri") {
            if (!d.next_arg()) d.wrong_args();
            uri = d.val();
        } else if (sub == "copy_headers") {
            auto fields = d.remaining_args();
            for (int nesting = d.nesting(); d.next_block(nesting);) fields.push_back(d.val());
            if (fields.empty()) d.wrong_args();
            for (const auto& field : fields) {
                const auto arrow = field.find('>');
                if (arrow == std::string::npos) copies[field] = field;
                else copies[field.substr(0, arrow)] = field.substr(arrow + 1, field.find('>', arrow + 1) - arrow - 1);
            }
        } else {
            continue;
        }
        for (int i = start; i <= d.cursor(); ++i) own[static_cast<std::size_t>(i)] = true;
    }
    if (uri.empty()) d.fail("the 'uri' subdirective is required");

    Tokens rest;
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (!own[i]) rest.push_back(tokens[i]);
    json copy_set = json::object();
    for (const auto& [from, to] : copies)
        copy_set[canonical_header_key(to)] = json::array({"{http.reverse_proxy.header." + canonical_header_key(from) + "}"});
    const json copy_ops = copy_set.empty() ? json::object() : json{{"set", copy_set}};
    json preset{
        {"handler", "reverse_proxy"},
        {"headers", {{"request", {{"set", {{"X-Forwarded-Method", {"{http.request.method}"}},
                                           {"X-Forwarded-Uri", {"{http.request.uri}"}}}}}}}},
        {"rewrite", {{"method", "GET"}, {"uri", uri}}},
        {"handle_response", json::array({{{"match", {{"status_code", {2}}}},
                                          {"routes", json::array({{{"handle", json::array({{{"handler", "headers"},
                                                                                            {"request", copy_ops}}})}}})}}})},
    };
    Helper inner = h.with_tokens(std::move(rest));
    inner.d.next();
    json handler = parse_reverse_proxy_segment(inner, std::move(preset));
    return h.new_route(matcher, std::move(handler));
}

} // namespace

void register_forward_auth_directive(std::map<std::string, DirectiveParser>& r) { r["forward_auth"] = parse_forward_auth; }

} // namespace proxflow::caddyfile
