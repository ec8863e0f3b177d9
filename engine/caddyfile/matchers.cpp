// Request matchers in Caddyfile form, as Caddy's matchers' UnmarshalCaddyfile read them.
#include "caddyfile/matchers.hpp"


#include <algorithm>
#include <map>

namespace proxflow::caddyfile {
namespace {

const std::vector<std::string> private_ranges{"192.168.0.0/16", "172.16.0.0/12", "10.0.0.0/8", "127.0.0.1/8", "fd00::/8", "::1"};

// Splits a block's tokens into lines (each a Tokens starting at a line break), keeping nested blocks
// with the line that opened them.
std::vector<Tokens> lines_of(const Tokens& tokens) {
    std::vector<Tokens> lines;
    int depth = 0;
    for (const auto& t : tokens) {
        if (lines.empty() || (t.line_break && depth == 0)) lines.emplace_back();
        lines.back().push_back(t);
        if (t.is("{")) ++depth;
        else if (t.is("}")) --depth;
    }
    return lines;
}

// One matcher type's arguments (and block) from a line "type args..." into set[type].
void merge_matcher(json& set, const std::string& type, const Tokens& line) {
    Dispenser d(line);
    d.next();
    auto args = d.remaining_args();
    if (type == "path" || type == "host" || type == "method") {
        if (args.empty()) d.wrong_args();
        json& list = set[type];
        if (list.is_null()) list = json::array();
        for (auto a : args) {
            if (type == "method") std::transform(a.begin(), a.end(), a.begin(), ::toupper);
            list.push_back(a);
        }
    } else if (type == "path_regexp") {
        if (args.size() == 1) set[type] = {{"pattern", args[0]}};
        else if (args.size() == 2) set[type] = {{"name", args[0]}, {"pattern", args[1]}};
        else d.wrong_args();
    } else if (type == "header") {
        json& m = set[type];
        if (m.is_null()) m = json::object();
        if (args.empty()) d.wrong_args();
        std::string field = args[0];
        if (field.starts_with("!")) {
            if (args.size() != 1) d.fail("header: a negated field (!Name) takes no value");
            m[field.substr(1)] = nullptr;
        } else {
            json& values = m[field];
            if (!values.is_array()) values = json::array();
            for (std::size_t i = 1; i < args.size(); ++i) values.push_back(args[i]);
        }
    } else if (type == "header_regexp" || type == "vars_regexp") {
        json& m = set[type];
        if (m.is_null()) m = json::object();
        if (args.size() == 2) m[args[0]] = {{"pattern", args[1]}};
        else if (args.size() == 3) m[args[1]] = {{"name", args[0]}, {"pattern", args[2]}};
        else d.wrong_args();
    } else if (type == "query") {
        json& m = set[type];
        if (m.is_null()) m = json::object();
        for (const auto& a : args) {
            const auto eq = a.find('=');
            if (eq == std::string::npos) d.fail("query: malformed pair \"" + a + "\" (want key=value)");
            json& values = m[a.substr(0, eq)];
            if (!values.is_array()) values = json::array();
            values.push_back(a.substr(eq + 1));
        }
    } else if (type == "remote_ip") {
        json& m = set[type];
        if (m.is_null()) m = json::object();
        for (const auto& a : args) {
            if (a == "forwarded") {
                m["forwarded"] = true;
                continue;
            }
            json& ranges = m["ranges"];
            if (!ranges.is_array()) ranges = json::array();
            if (a == "private_ranges") for (const auto& r : private_ranges) ranges.push_back(r);
            else ranges.push_back(a);
        }
    } else if (type == "protocol") {
        if (args.size() != 1) d.wrong_args();
        set[type] = args[0];
    } else if (type == "vars") {
        json& m = set[type];
        if (m.is_null()) m = json::object();
        if (args.size() < 2) d.wrong_args();
        json& values = m[args[0]];
        if (!values.is_array()) values = json::array();
        for (std::size_t i = 1; i < args.size(); ++i) values.push_back(args[i]);
    } else if (type == "expression") {
        if (args.size() != 1) {
            // Several tokens are joined back as written, quotes included.
            std::string joined;
            for (std::size_t i = 1; i < line.size(); ++i) {
                if (!joined.empty()) joined += ' ';
                joined += line[i].raw();
            }
            set[type] = joined;
        } else {
            set[type] = args[0];
        }
    } else if (type == "not") {
        json& list = set[type];
        if (list.is_null()) list = json::array();
        if (line.size() > 1 && line[1].is("{")) {
            list.push_back(parse_matcher_set(Tokens(line.begin() + 2, line.end() - 1)));
        } else {
            list.push_back(parse_matcher_set(Tokens(line.begin() + 1, line.end())));
        }
    } else if (Dispenser md(line); !md.next() || !parse_module_matcher(type, md, set[type])) {
        d.fail("matcher '" + type + "' is not supported by ProxFlow yet"); // a module's matcher is merged above
    }
}

} // namespace

json parse_matcher_set(const Tokens& tokens) {
    json set = json::object();
    for (auto line : lines_of(tokens)) {
        if (line.empty()) continue;
        line.front().line_break = true;
        merge_matcher(set, line.front().text, line);
    }
    return set;
}

json matcher_set_from_token(const Token& token, const MatcherDefs& defs, bool& found) {
    found = false;
    if (token.text == "*") {
        found = true;
        return nullptr;
    }
    if (token.text.starts_with("/")) {
        found = true;
        return json{{"path", json::array({token.text})}};
    }
    if (token.text.starts_with("@")) {
        auto it = defs.find(token.text);
        if (it == defs.end()) throw AdaptError(token.file_name(), token.line, "unrecognized matcher name: " + token.text);
        found = true;
        return it->second;
    }
    return nullptr;
}

void parse_matcher_definition(const Tokens& segment, MatcherDefs& defs) {
    const Token& name = segment.front();
    if (defs.contains(name.text)) throw AdaptError(name.file_name(), name.line, "matcher is defined more than once: " + name.text);
    Tokens body;
    if (segment.size() > 1 && segment[1].is("{")) {
        body.assign(segment.begin() + 2, segment.end() - 1);
    } else if (segment.size() == 2 && segment[1].quoted) {
        // "@name `expression`": the expression shorthand.
        defs[name.text] = json{{"expression", segment[1].text}};
        return;
    } else {
        body.assign(segment.begin() + 1, segment.end());
        if (!body.empty()) body.front().line_break = true;
    }
    if (body.empty()) throw AdaptError(name.file_name(), name.line, "matcher " + name.text + " has no conditions");
    defs[name.text] = parse_matcher_set(body);
}

} // namespace proxflow::caddyfile
