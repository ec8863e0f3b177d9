#include "caddyfile/helper.hpp"

#include <charconv>
#include <cctype>

#include "caddyfile/matchers.hpp"
#include "config/object_reader.hpp"

#include <cctype>
#include <cmath>
#include <regex>

namespace proxflow::caddyfile {

json Helper::extract_matcher_set() {
    json set;
    Tokens tokens = d.tokens();
    if (tokens.size() > 1 && !tokens[1].line_break) {
        bool found = false;
        set = matcher_set_from_token(tokens[1], matchers, found);
        if (found) tokens.erase(tokens.begin() + 1);
    }
    d = Dispenser(std::move(tokens));
    return set;
}

std::vector<ConfigValue> Helper::new_route(const json& matcher_set, json handler) const {
    json route = json::object();
    if (!matcher_set.is_null()) route["match"] = json::array({matcher_set});
    route["handle"] = json::array({std::move(handler)});
    return {ConfigValue{"route", "", std::move(route)}};
}

std::int64_t parse_size(const Dispenser& d, const std::string& text) {
    std::size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == 0) d.fail("invalid size \"" + text + "\"");
    const double number = std::stod(text.substr(0, i));
    std::string unit = text.substr(i);
    for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
    double scale = 1;
    if (unit.empty() || unit == "B") scale = 1;
    else if (unit == "KB" || unit == "K") scale = 1e3;
    else if (unit == "MB" || unit == "M") scale = 1e6;
    else if (unit == "GB" || unit == "G") scale = 1e9;
    else if (unit == "TB" || unit == "T") scale = 1e12;
    else if (unit == "KIB" || unit == "KI") scale = 1024.0;
    else if (unit == "MIB" || unit == "MI") scale = 1024.0 * 1024;
    else if (unit == "GIB" || unit == "GI") scale = 1024.0 * 1024 * 1024;
    else d.fail("invalid size unit in \"" + text + "\"");
    return static_cast<std::int64_t>(std::llround(number * scale));
}

std::int64_t parse_caddy_duration(const Dispenser& d, const std::string& text) {
    try {
        return parse_duration(nlohmann::json(text), "").count();
    } catch (const ConfigError&) {
        d.fail("invalid duration \"" + text + "\"");
    } catch (const std::logic_error&) { // a number part std::stod cannot read (".d") or out of range
        d.fail("invalid duration \"" + text + "\"");
    }
}

std::string canonical_header_key(const std::string& name) {
    static const std::string token_chars = "!#$%&'*+-.^_`|~";
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && token_chars.find(c) == std::string::npos) return name;
    std::string out = name;
    bool upper = true;
    for (auto& c : out) {
        c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
        upper = c == '-';
    }
    return out;
}

json scalar_value(const Token& t) {
    if (t.quoted) return t.text;
    const std::string& s = t.text;
    static const std::regex integer(R"([+-]?[0-9]+)");
    static const std::regex decimal(R"([+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)");
    if (std::regex_match(s, integer)) {
        long long v = 0;
        const char* begin = s.data() + (s.front() == '+' ? 1 : 0);
        if (std::from_chars(begin, s.data() + s.size(), v).ec == std::errc{}) return v;
    }
    if (std::regex_match(s, decimal)) return std::stod(s);
    if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
    if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") return false;
    return s;
}

json weak_string(const std::string& text) {
    long long value = 0;
    const char* begin = text.data();
    if (!text.empty() && text.front() == '+') ++begin;
    const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
    if (!text.empty() && ec == std::errc{} && end == text.data() + text.size()) return value;
    return text;
}

bool is_status_code_token(const std::string& arg) {
    return arg.size() == 3 && arg.find_first_not_of("0123456789") == std::string::npos && std::stoi(arg) > 0;
}

void apply_header_op(Dispenser& d, json& ops, json* response, std::string field, const std::string& value,
                     const std::string& replacement) {
    if (field.starts_with("+")) {
        ops["add"][canonical_header_key(field.substr(1))].push_back(value);
    } else if (field.starts_with("-")) {
        ops["delete"].push_back(field.substr(1));
        if (response) (*response)["deferred"] = true;
    } else if (field.starts_with("?")) {
        if (!response) d.fail(field + ": the default header modifier ('?') can only be used on response headers");
        field = field.substr(1);
        (*response)["require"]["headers"][field] = nullptr;
        ops["set"][canonical_header_key(field)] = json::array({value});
    } else if (!replacement.empty()) {
        while (!field.empty() && (field[0] == '+' || field[0] == '-' || field[0] == '?')) field.erase(0, 1);
        ops["replace"][field].push_back({{"search_regexp", value}, {"replace", replacement}});
    } else {
        ops["set"][canonical_header_key(field)] = json::array({value});
    }
}

} // namespace proxflow::caddyfile
