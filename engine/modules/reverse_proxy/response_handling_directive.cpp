#include "modules/reverse_proxy/response_handling_directive.hpp"

#include "caddyfile/directives.hpp"
#include "modules/reverse_proxy/caddyfile.hpp"

#include <charconv>

namespace proxflow::caddyfile {
namespace {

// One condition of a response matcher ("status 2xx 404", "header Name value", "header !Name"),
// as Caddy's ParseNamedResponseMatcher and MatchHeader read it.
void parse_condition(Dispenser& d, json& matcher) {
    const std::string type = d.val();
    auto args = d.remaining_args();
    if (type == "header") {
        if (args.empty()) d.fail("malformed header matcher: expected field");
        std::string field = args[0];
        json& headers = matcher["headers"];
        if (field.starts_with("!")) {
            if (field.size() == 1) d.fail("malformed header matcher: must have field name following ! character");
            if (args.size() > 1) d.fail("malformed header matcher: null matching headers cannot have a field value");
            headers[canonical_header_key(field.substr(1))] = nullptr;
        } else {
            if (args.size() < 2) d.fail("malformed header matcher: expected both field and value");
            json& values = headers[canonical_header_key(field)];
            if (!values.is_array()) values = json::array();
            values.push_back(args[1]);
        }
        if (!d.take_block().empty()) d.fail("malformed header matcher: blocks are not supported");
    } else if (type == "status") {
        if (args.empty()) d.wrong_args();
        json& codes = matcher["status_code"];
        if (!codes.is_array()) codes = json::array();
        for (auto arg : args) {
            if (arg.size() == 3 && arg.ends_with("xx")) arg = arg.substr(0, 1);
            int code = 0;
            const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), code);
            if (ec != std::errc{} || end != arg.data() + arg.size()) d.fail("bad status value '" + arg + "'");
            codes.push_back(code);
        }
    } else {
        d.fail("unrecognized response matcher " + type);
    }
}

AdaptError error_at(const Tokens& line, const std::string& directive, const std::string& message) {
    const Token& at = line.front();
    return AdaptError(at.file_name(), at.line, directive + ": " + message);
}

} // namespace

bool ResponseHandling::take(Dispenser& d, json& handler) {
    const Token& at = d.token();
    if (at.quoted) return false;
    if (at.text.starts_with("@")) {
        parse_matcher(d);
        return true;
    }
    if (at.text == "replace_status") {
        const auto args = d.remaining_args();
        if (args.size() != 1 && args.size() != 2)
            d.fail("must have one or two arguments: an optional response matcher, and a status code");
        json entry = json::object();
        if (args.size() == 2) {
            if (!args[0].starts_with("@")) d.fail("must use a named response matcher, starting with '@'");
            entry["match"] = find_matcher(d, args[0]);
        }
        entry["status_code"] = weak_string(args.back());
        if (!d.take_block().empty()) d.fail("cannot define routes for 'replace_status', use 'handle_response' instead.");
        handler["handle_response"].push_back(entry);
        return true;
    }
    if (at.text == "handle_response") {
        Block block;
        block.line.push_back(at);
        while (d.next_arg()) block.line.push_back(d.token());
        block.body = d.take_block();
        blocks_.push_back(std::move(block));
        return true;
    }
    return false;
}

void ResponseHandling::parse_matcher(Dispenser& d) {
    const std::string name = d.val();
    if (matchers_.contains(name)) d.fail("matcher is defined more than once: " + name);
    json matcher = json::object();
    const Tokens block = d.take_block();
    if (!block.empty()) {
        // One condition per line of the block.
        Dispenser lines(block);
        while (lines.next()) {
            if (!lines.token().line_break && lines.cursor() != 0) lines.fail("unexpected '" + lines.val() + "'");
            parse_condition(lines, matcher);
        }
    } else {
        // "@name status 500": one condition, the rest of the line.
        Tokens line;
        while (d.next_arg()) line.push_back(d.token());
        if (!line.empty()) {
            line.front().line_break = true;
            Dispenser one(line);
            one.next();
            parse_condition(one, matcher);
            if (one.next()) one.fail("unexpected '" + one.val() + "'");
        }
    }
    matchers_[name] = matcher;
}

const json& ResponseHandling::find_matcher(const Dispenser& d, const std::string& name) const {
    auto it = matchers_.find(name);
    if (it == matchers_.end()) d.fail("no named response matcher defined with name '" + name.substr(1) + "'");
    return it->second;
}

void ResponseHandling::finish(Helper& h, json& handler) {
    const std::string directive = h.d.tokens().front().text;
    for (const auto& block : blocks_) {
        const std::size_t args = block.line.size() - 1;
        if (args == 2)
            throw error_at(block.line, directive,
                           "configuring 'handle_response' for status code replacement is no longer supported. Use "
                           "'replace_status' instead.");
        if (args > 1) {
            std::string list;
            for (std::size_t i = 1; i < block.line.size(); ++i) list += (i > 1 ? " " : "") + block.line[i].text;
            throw error_at(block.line, directive, "too many arguments for 'handle_response': [" + list + "]");
        }
        json entry = json::object();
        if (args == 1) {
            const std::string& name = block.line[1].text;
            if (!name.starts_with("@")) throw error_at(block.line, directive, "must use a named response matcher, starting with '@'");
            auto it = matchers_.find(name);
            if (it == matchers_.end())
                throw error_at(block.line, directive, "no named response matcher defined with name '" + name.substr(1) + "'");
            entry["match"] = it->second;
        }
        MatcherDefs matchers = h.matchers;
        auto values = parse_directives(block.body, matchers, h.groups, h.options);
        json routes = build_subroute(std::move(values), h.groups, h.options);
        if (!routes.empty()) entry["routes"] = routes;
        handler["handle_response"].push_back(entry);
    }
    if (!handler.contains("handle_response")) return;
    json with_matchers = json::array(), without = json::array();
    for (auto& entry : handler["handle_response"]) (entry.contains("match") ? with_matchers : without).push_back(entry);
    for (auto& entry : without) with_matchers.push_back(entry);
    handler["handle_response"] = with_matchers;
}

} // namespace proxflow::caddyfile
