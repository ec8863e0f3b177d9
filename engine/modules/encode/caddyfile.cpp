// `encode [<matcher>] <formats...> { gzip [<level>]; zstd; minimum_length <n>; match … }`, read as
// Caddy 2.6's encode.UnmarshalCaddyfile and written back by the exporter.
#include "caddyfile/directives.hpp"
#include "caddyfile/writer.hpp"

#include "caddyfile/exporter.hpp"

#include <algorithm>

namespace proxflow::caddyfile {
namespace {

bool is_encoding(const std::string& name) { return name == "gzip" || name == "zstd"; }

// One line of a response matcher ("status 2xx 404", "header Field [value]", "header !Field").
void response_matcher_line(Dispenser& d, json& match) {
    const std::string type = d.val();
    const auto args = d.remaining_args();
    if (type == "status") {
        if (args.empty()) d.wrong_args();
        json& codes = match["status_code"];
        if (!codes.is_array()) codes = json::array();
        for (std::string arg : args) {
            if (arg.size() == 3 && arg.ends_with("xx")) arg = arg.substr(0, 1);
            if (arg.empty() || arg.find_first_not_of("0123456789") != std::string::npos || arg.size() > 9)
                d.fail("bad status value '" + arg + "'");
            codes.push_back(std::stoi(arg));
        }
    } else if (type == "header") {
        json& headers = match["headers"];
        if (!headers.is_object()) headers = json::object();
        if (args.empty()) d.fail("malformed header matcher: expected field");
        if (args[0].starts_with("!")) {
            if (args[0].size() == 1) d.fail("malformed header matcher: must have field name following ! character");
            if (args.size() > 1) d.fail("malformed header matcher: null matching headers cannot have a field value");
            headers[args[0].substr(1)] = nullptr;
        } else {
            if (args.size() != 2) d.fail("malformed header matcher: expected both field and value");
            json& values = headers[canonical_header_key(args[0])];
            if (!values.is_array()) values = json::array();
            values.push_back(args[1]);
        }
    } else {
        d.fail("unrecognized response matcher " + type);
    }
}

// `match header … | status …` on one line, or a block of such lines.
json parse_response_match(Dispenser& d) {
    json match = json::object();
    const int nesting = d.nesting();
    if (d.next_arg()) {
        Tokens line;
        line.push_back(d.token());
        while (d.next_arg()) line.push_back(d.token());
        Dispenser inner(line);
        inner.next();
        response_matcher_line(inner, match);
    }
    while (d.next_block(nesting)) response_matcher_line(d, match);
    return match;
}

json parse_encode(Helper& h) {
    json handler{{"handler", "encode"}};
    json encodings = json::object();
    json prefer = json::array();
    for (const auto& arg : h.d.remaining_args()) {
        if (!is_encoding(arg)) h.d.fail("finding encoder module '" + arg + "': ProxFlow and Caddy 2.6 have gzip and zstd");
        encodings[arg] = json::object();
        prefer.push_back(arg);
    }
    while (h.d.next_block(0)) {
        const std::string option = h.d.val();
        if (option == "minimum_length") {
            if (!h.d.next_arg()) h.d.wrong_args();
            const std::string n = h.d.val();
            if (n.empty() || n.find_first_not_of("-0123456789") != std::string::npos) h.d.fail("minimum_length: '" + n + "' is not a number");
            handler["minimum_length"] = std::stoll(n);
        } else if (option == "match") {
            handler["match"] = parse_response_match(h.d);
        } else if (is_encoding(option)) {
            json encoding = json::object();
            if (h.d.next_arg()) {
                if (option == "zstd") h.d.wrong_args();
                const std::string level = h.d.val();
                if (level.empty() || level.find_first_not_of("-0123456789") != std::string::npos) h.d.fail("gzip: '" + level + "' is not a level");
                if (const int value = std::stoi(level); value != 0) encoding["level"] = value;
                if (h.d.next_arg()) h.d.wrong_args();
            }
            encodings[option] = encoding;
            prefer.push_back(option);
        } else {
            h.d.fail("finding encoder module '" + option + "': ProxFlow and Caddy 2.6 have gzip and zstd");
        }
    }
    if (!encodings.empty()) handler["encodings"] = encodings;
    if (!prefer.empty()) handler["prefer"] = prefer;
    return handler;
}

} // namespace

DirectiveParser encode_directive() { return handler_directive(parse_encode); }

namespace {

std::vector<std::string> encode_lines(const json& h, const std::string& m, const std::string& path) {
    for (const auto& [key, value] : h.items())
        if (key != "handler" && key != "encodings" && key != "prefer" && key != "minimum_length" && key != "match")
            throw ExportError(path + "." + key, "encode option '" + key + "' has no Caddyfile form");
    const json encodings = h.value("encodings", json::object());
    const json prefer = h.value("prefer", json::array());
    // The directive lists encodings in prefer order, so prefer must name each encoding once.
    std::vector<std::string> names;
    for (const auto& p : prefer) names.push_back(p.get<std::string>());
    std::vector<std::string> keys;
    for (const auto& [name, config] : encodings.items()) keys.push_back(name);
    std::vector<std::string> sorted_names = names, sorted_keys = keys;
    std::sort(sorted_names.begin(), sorted_names.end());
    std::sort(sorted_keys.begin(), sorted_keys.end());
    if (sorted_names != sorted_keys)
        throw ExportError(path + ".prefer", "the Caddyfile sets prefer to the encodings in the order written, so prefer must list each encoding once");
    std::vector<std::string> block;
    std::string head = "encode" + (m.empty() ? "" : " " + m);
    for (const auto& name : names) {
        const json& config = encodings[name];
        if (!is_encoding(name)) throw ExportError(path + ".encodings." + name, "encoding '" + name + "' has no Caddyfile form here");
        for (const auto& [key, value] : config.items())
            if (!(name == "gzip" && key == "level"))
                throw ExportError(path + ".encodings." + name + "." + key, "option '" + key + "' of " + name + " has no Caddyfile form");
        if (config.contains("level") && config["level"] != 0) block.push_back("\t" + name + " " + config["level"].dump());
        else block.push_back("\t" + name);
    }
    if (h.contains("minimum_length") && h["minimum_length"] != 0) block.push_back("\tminimum_length " + h["minimum_length"].dump());
    if (h.contains("match")) {
        const json& match = h["match"];
        block.push_back("\tmatch {");
        for (const auto& [key, value] : match.items()) {
            if (key == "status_code") {
                std::string line = "\t\tstatus";
                for (const auto& code : value) line += " " + code.dump();
                if (!value.empty()) block.push_back(line);
            } else if (key == "headers") {
                for (const auto& [field, values] : value.items()) {
                    if (values.is_null()) {
                        block.push_back("\t\theader " + quote("!" + field));
                        continue;
                    }
                    if (values.empty()) throw ExportError(path + ".match.headers." + field, "a present-only header condition has no Caddyfile form in encode");
                    if (canonical_header_key(field) != field)
                        throw ExportError(path + ".match.headers." + field, "the Caddyfile writes header names in canonical form");
                    for (const auto& v : values) block.push_back("\t\theader " + quote(field) + " " + quote(v.get<std::string>()));
                }
            } else {
                throw ExportError(path + ".match." + key, "response matcher '" + key + "' has no Caddyfile form");
            }
        }
        block.push_back("\t}");
    }
    if (block.empty()) return {head};
    std::vector<std::string> lines{head + " {"};
    lines.insert(lines.end(), block.begin(), block.end());
    lines.push_back("}");
    return lines;
}

} // namespace

bool write_encode(Writer& w, const std::string& m, const json& h, const std::string& path) {
    for (const auto& line : encode_lines(h, m, path)) w.line(line);
    return true;
}

} // namespace proxflow::caddyfile
