// `map [<matcher>] <source> <destinations...> { [~]<input> <outputs...>; default <defaults...> }`,
// read as Caddy 2.6's map.parseCaddyfile ("-" is a null output) and written back by the exporter.
#include "caddyfile/directives.hpp"
#include "caddyfile/writer.hpp"

#include "caddyfile/exporter.hpp"
#include "caddyfile/shorthand_placeholders.hpp"

#include <regex>

namespace proxflow::caddyfile {
namespace {

json parse_map(Helper& h) {
    json handler{{"handler", "map"}};
    if (!h.d.next_arg()) h.d.wrong_args();
    handler["source"] = h.d.val();
    const auto destinations = h.d.remaining_args();
    if (destinations.empty()) h.d.fail("missing destination argument(s)");
    for (const auto& dest : destinations)
        if (const auto shorthand = replaced_shorthand(dest); !shorthand.empty())
            h.d.fail("destination " + shorthand + " conflicts with a Caddyfile placeholder shorthand");
    handler["destinations"] = destinations;
    json mappings = json::array();
    json defaults = json::array();
    while (h.d.next_block(0)) {
        if (h.d.val() == "default") {
            if (!defaults.empty()) h.d.fail("defaults already defined");
            for (const auto& d : h.d.remaining_args()) defaults.push_back(d);
            while (defaults.size() < destinations.size()) defaults.push_back("");
            continue;
        }
        const std::string in = h.d.val();
        json outputs = json::array();
        while (h.d.next_arg()) {
            const json value = scalar_value(h.d.token());
            outputs.push_back(value == "-" ? json() : value);
        }
        if (outputs.size() > destinations.size()) h.d.fail("too many outputs");
        while (outputs.size() < destinations.size()) outputs.push_back(nullptr);
        json mapping{{"outputs", outputs}};
        if (in.starts_with("~")) {
            if (in.size() > 1) mapping["input_regexp"] = in.substr(1);
        } else if (!in.empty()) {
            mapping["input"] = in;
        }
        mappings.push_back(mapping);
    }
    if (!defaults.empty()) handler["defaults"] = defaults;
    if (!mappings.empty()) handler["mappings"] = mappings;
    return handler;
}

// An output as the token that reads back to it: null as "-" (and the string "-" quoted).
std::string output_token(const json& v, const std::string& path) {
    if (v.is_null()) return "-";
    if (v == "-") return "\"-\"";
    return scalar_token(v, path);
}

} // namespace

DirectiveParser map_directive() { return handler_directive(parse_map); }

namespace {

std::vector<std::string> map_lines(const json& h, const std::string& m, const std::string& path) {
    for (const auto& [key, value] : h.items())
        if (key != "handler" && key != "source" && key != "destinations" && key != "mappings" && key != "defaults")
            throw ExportError(path + "." + key, "map option '" + key + "' has no Caddyfile form");
    const json destinations = h.value("destinations", json::array());
    if (destinations.empty()) throw ExportError(path + ".destinations", "a map without destinations has no Caddyfile form");
    if (!h.contains("source") || h["source"] == "") throw ExportError(path + ".source", "a map without a source has no Caddyfile form");
    std::string head = "map" + (m.empty() ? "" : " " + m) + " " + quote(h["source"].get<std::string>());
    for (const auto& d : destinations) head += " " + quote(d.get<std::string>());
    std::vector<std::string> lines{head + " {"};
    const json mappings = h.value("mappings", json::array());
    for (std::size_t i = 0; i < mappings.size(); ++i) {
        const json& mapping = mappings[i];
        const std::string mpath = path + ".mappings[" + std::to_string(i) + "]";
        std::string input;
        if (mapping.contains("input_regexp") && mapping["input_regexp"] != "") input = "~" + mapping["input_regexp"].get<std::string>();
        else input = mapping.value("input", "");
        if (input.empty() || input == "default" || input == "}" || input == "{")
            throw ExportError(mpath + ".input", "input \"" + input + "\" cannot begin a map line");
        if (!mapping.contains("input_regexp") && input.starts_with("~"))
            throw ExportError(mpath + ".input", "an input beginning with '~' reads back as a regular expression");
        std::string line = "\t" + quote(input);
        const json outputs = mapping.value("outputs", json::array());
        if (outputs.size() != destinations.size())
            throw ExportError(mpath + ".outputs", "a mapping needs one output per destination");
        std::size_t written = outputs.size();
        // Trailing nulls are what the Caddyfile fills in itself; at least one output stays.
        while (written > 1 && outputs[written - 1].is_null()) --written;
        for (std::size_t j = 0; j < written; ++j) line += " " + output_token(outputs[j], mpath + ".outputs");
        lines.push_back(line);
    }
    if (h.contains("defaults") && !h["defaults"].empty()) {
        std::string line = "\tdefault";
        if (h["defaults"].size() != destinations.size()) throw ExportError(path + ".defaults", "a map needs one default per destination");
        for (const auto& d : h["defaults"]) line += " " + quote(d.get<std::string>());
        lines.push_back(line);
    }
    lines.push_back("}");
    return lines;
}

} // namespace

bool write_map(Writer& w, const std::string& m, const json& h, const std::string& path) {
    for (const auto& line : map_lines(h, m, path)) w.line(line);
    return true;
}

} // namespace proxflow::caddyfile
