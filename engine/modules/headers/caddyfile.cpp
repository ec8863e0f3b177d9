// The header directive (response header operations), request_header (request ones) and their export.
#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"

namespace proxflow::caddyfile {
std::vector<ConfigValue> parse_header(Helper& h) {
    const json matcher = h.extract_matcher_set();
    json response = json::object(), response_with_require = json::object();
    while (h.d.next()) {
        bool has_args = false;
        if (h.d.next_arg()) {
            has_args = true;
            const std::string field = h.d.val();
            const std::string value = h.d.next_arg() ? h.d.val() : "";
            const std::string replacement = h.d.next_arg() ? h.d.val() : "";
            apply_header_op(h.d, response, &response, field, value, replacement);
            if (response.contains("delete")) response["deferred"] = true;
        }
        while (h.d.next_block(0)) {
            std::string field = h.d.val();
            if (field == "defer") {
                response["deferred"] = true;
                continue;
            }
            if (has_args) h.d.fail("cannot specify headers in both arguments and block");
            if (field.ends_with(":")) field.pop_back();
            const std::string value = h.d.next_arg() ? h.d.val() : "";
            const std::string replacement = h.d.next_arg() ? h.d.val() : "";
            json& target = field.starts_with("?") ? response_with_require : response;
            apply_header_op(h.d, target, &target, field, value, replacement);
        }
    }
    std::vector<ConfigValue> out;
    for (json* ops : {&response, &response_with_require}) {
        if (ops->empty()) continue;
        for (auto& v : h.new_route(matcher, {{"handler", "headers"}, {"response", *ops}})) out.push_back(std::move(v));
    }
    return out;
}

// request_header [<matcher>] [+|-]<field> [<value|regexp> [<replacement>]]: one handler per line.
std::vector<ConfigValue> parse_request_header(Helper& h) {
    const json matcher = h.extract_matcher_set();
    std::vector<ConfigValue> out;
    while (h.d.next()) {
        if (!h.d.next_arg()) h.d.wrong_args();
        std::string field = h.d.val();
        if (field.ends_with(":")) field.pop_back();
        const std::string value = h.d.next_arg() ? h.d.val() : "";
        const std::string replacement = h.d.next_arg() ? h.d.val() : "";
        if (h.d.next_arg()) h.d.wrong_args();
        json request = json::object();
        apply_header_op(h.d, request, nullptr, field, value, replacement);
        for (auto& v : h.new_route(matcher, {{"handler", "headers"}, {"request", request}})) out.push_back(std::move(v));
    }
    return out;
}

namespace {

// `?Field value` (set the field only when the response lacks it): Caddy's parser makes a handler
// whose response requires each field absent and sets it, and nothing else. One field is a line;
// several are the `?` lines of one block, which Caddy gathers into a handler of their own.
void write_default_headers(Writer& w, const std::string& mt, const json& ops, const std::string& path) {
    for (const auto& [key, value] : ops.items())
        if (key != "require" && key != "set") throw ExportError(path + "." + key, "a conditional header handler with other operations has no Caddyfile form");
    const json& require = ops["require"];
    if (!require.is_object() || require.size() != 1 || !require.contains("headers") || !require["headers"].is_object() ||
        require["headers"].empty())
        throw ExportError(path + ".require", "only required absent header fields (`?Field`) have a Caddyfile form");
    const json set = ops.value("set", json::object());
    std::vector<std::string> lines;
    for (const auto& [field, values] : require["headers"].items()) {
        const std::string key = canonical_header_key(field);
        if (!values.is_null()) throw ExportError(path + ".require.headers." + field, "only an absent field (null) has a Caddyfile form");
        if (!set.contains(key) || set[key].size() != 1)
            throw ExportError(path + ".set", "`?" + field + "` sets exactly one value of " + key);
        lines.push_back(quote("?" + field) + " " + quote(set[key][0]));
    }
    if (set.size() != lines.size()) throw ExportError(path + ".set", "a field set without being required absent has no Caddyfile form here");
    if (lines.size() == 1) {
        w.line("header" + mt + " " + lines.front());
        return;
    }
    for (const auto& [field, values] : require["headers"].items())
        if (field.ends_with(":")) throw ExportError(path + ".require.headers." + field, "a field ending with ':' is dropped in a header block");
    w.open("header" + mt);
    for (const auto& l : lines) w.line(l);
    w.close();
}

} // namespace

bool write_headers(Writer& w, const std::string& m, const json& h, const std::string& path) {
    const std::string mt = m.empty() ? "" : " " + m;
    if (h.contains("request")) {
        // request_header makes one operation a handler, and never a response one beside it.
        std::vector<std::string> lines;
        header_op_lines(h["request"], "", lines);
        if (lines.size() != 1 || h.contains("response"))
            throw ExportError(path + ".request", "only a single request header operation has a Caddyfile form (request_header)");
        w.line("request_header" + mt + " " + lines.front());
        return true;
    }
    if (!h.contains("response")) return true;
    json ops = h["response"];
    const bool deferred = ops.value("deferred", false);
    ops.erase("deferred");
    if (ops.contains("require")) {
        if (deferred) throw ExportError(path + ".response.deferred", "a deferred conditional header has no Caddyfile form");
        write_default_headers(w, mt, ops, path + ".response");
        return true;
    }
    std::vector<std::string> lines;
    header_op_lines(ops, "", lines);
    // A deletion defers the handler in either form; `defer` says it for the rest, in a block only.
    const bool deletes = ops.contains("delete");
    if (deletes && !deferred) throw ExportError(path + ".response.deferred", "a Caddyfile always defers a header deletion");
    if (lines.size() == 1 && deferred == deletes) {
        w.line("header" + mt + " " + lines.front());
        return true;
    }
    // Several operations are one handler only in the block form; separate lines would be several.
    // That form drops a colon ending a field name (Caddy's habit), so such a name cannot go there.
    for (const auto& [op, fields] : ops.items())
        for (const auto& [key, value] : fields.items()) {
            const std::string field = fields.is_array() ? value.get<std::string>() : key;
            if (field.ends_with(":"))
                throw ExportError(path + ".response." + op, "field \"" + field + "\" ends with ':', which a header block drops");
        }
    w.open("header" + mt);
    for (const auto& l : lines) w.line(l);
    if (deferred && !deletes) w.line("defer");
    w.close();
    return true;
}

} // namespace proxflow::caddyfile
