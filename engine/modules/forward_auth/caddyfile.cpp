// `forward_auth`: Caddy 2.6's shortcut for a reverse_proxy that asks an auth server first. The
// request goes as GET to `uri` with X-Forwarded-Method/-Uri; a 2xx answer copies the listed header
// fields onto the request and lets the next handlers run; any other answer goes to the client.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"
#include "modules/reverse_proxy/caddyfile.hpp"

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

// forward_auth's reverse_proxy, recognised by what the directive presets; leaves the rest in rp.
bool take_forward_auth(json& rp, std::vector<std::string>& lines) {
    const json request_set = rp.contains("headers") && rp["headers"].contains("request") ? rp["headers"]["request"].value("set", json()) : json();
    if (!request_set.is_object() || request_set.value("X-Forwarded-Method", json()) != json::array({"{http.request.method}"}) ||
        request_set.value("X-Forwarded-Uri", json()) != json::array({"{http.request.uri}"}))
        return false;
    const json rewrite = rp.value("rewrite", json());
    if (!rewrite.is_object() || rewrite.size() != 2 || rewrite.value("method", "") != "GET" || !rewrite.contains("uri") ||
        !rewrite["uri"].is_string())
        return false;
    const json responses = rp.value("handle_response", json::array());
    if (responses.empty()) return false;
    const json& first = responses[0];
    if (first.size() != 2 || first.value("match", json()) != json{{"status_code", json::array({2})}} || !first.contains("routes") ||
        first["routes"].size() != 1 || first["routes"][0].size() != 1 || first["routes"][0].value("handle", json()).size() != 1)
        return false;
    const json& copier = first["routes"][0]["handle"][0];
    if (copier.size() != 2 || copier.value("handler", "") != "headers" || !copier.contains("request")) return false;
    const json& ops = copier["request"];
    if (!(ops.empty() || (ops.size() == 1 && ops.contains("set") && !ops["set"].empty()))) return false;
    std::vector<std::string> copies;
    const std::string prefix = "{http.reverse_proxy.header.";
    const json copied = ops.value("set", json::object());
    for (const auto& [to, values] : copied.items()) {
        if (values.size() != 1 || !values[0].is_string()) return false;
        const std::string v = values[0];
        if (!v.starts_with(prefix) || !v.ends_with("}")) return false;
        const std::string from = v.substr(prefix.size(), v.size() - prefix.size() - 1);
        if (from.empty() || canonical_header_key(from) != from || canonical_header_key(to) != to || from.find('>') != std::string::npos)
            return false;
        copies.push_back(from == to ? from : from + ">" + to);
    }
    lines.push_back("uri " + quote(rewrite["uri"]));
    if (!copies.empty()) {
        std::string line = "copy_headers";
        for (const auto& c : copies) line += " " + quote(c);
        lines.push_back(line);
    }
    json& set = rp["headers"]["request"]["set"];
    set.erase("X-Forwarded-Method");
    set.erase("X-Forwarded-Uri");
    if (set.empty()) rp["headers"]["request"].erase("set");
    if (rp["headers"]["request"].empty()) rp["headers"].erase("request");
    if (rp["headers"].empty()) rp.erase("headers");
    rp.erase("rewrite");
    rp["handle_response"].erase(0);
    if (rp["handle_response"].empty()) rp.erase("handle_response");
    return true;
}

} // namespace


DirectiveParser forward_auth_directive() { return parse_forward_auth; }

// forward_auth's shape of a reverse_proxy handler; false for any other reverse_proxy.
bool write_forward_auth(Writer& w, const std::string& m, const json& h, const std::string& path) {
    json rest = h;
    std::vector<std::string> own;
    if (!take_forward_auth(rest, own)) return false;
    write_reverse_proxy(w, m, rest, path, "forward_auth", std::move(own));
    return true;
}

} // namespace proxflow::caddyfile
