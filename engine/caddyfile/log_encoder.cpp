// Log encoders as Caddy 2.6.2's modules/logging reads them from a Caddyfile (encoders.go,
// filterencoder.go, filters.go): each module parses its own segment, so the loops below keep the
// shape of Caddy's UnmarshalCaddyfile methods, and a token Caddy ignores is ignored here too.
#include "caddyfile/log_encoder.hpp"

#include "caddyfile/exporter.hpp"
#include "config/object_reader.hpp"

#include <algorithm>
#include <array>

namespace proxflow::caddyfile {
namespace {

using json = nlohmann::json;

// LogEncoderConfig's options; the *_key ones and line_ending are pointers in Caddy, so "" is kept.
constexpr std::array<const char*, 7> kKeyOptions{"message_key", "level_key", "time_key", "name_key", "caller_key", "stacktrace_key", "line_ending"};
constexpr std::array<const char*, 3> kValueOptions{"time_format", "duration_format", "level_format"};

bool one_of(const auto& list, const std::string& name) {
    return std::any_of(list.begin(), list.end(), [&](const char* o) { return name == o; });
}

void parse_encoder_config(Dispenser& d, json& encoder) {
    for (const int nesting = d.nesting(); d.next_block(nesting);) {
        const std::string option = d.val();
        if (option == "time_local") {
            encoder["time_local"] = true;
            if (d.next_arg()) d.wrong_args();
            continue;
        }
        if (d.count_remaining_args() != 1) d.wrong_args();
        d.next_arg();
        if (one_of(kKeyOptions, option)) encoder[option] = d.val();
        else if (one_of(kValueOptions, option)) {
            if (!d.val().empty()) encoder[option] = d.val();
        } else d.fail("unrecognized subdirective " + option);
    }
}

// filter query / cookie: replace NAME VALUE, hash NAME, delete NAME, one action a line.
json parse_filter_actions(Dispenser& d, const char* name_key) {
    json actions = json::array();
    while (d.next()) {
        while (d.next_block(0)) {
            const std::string type = d.val();
            if (type != "replace" && type != "hash" && type != "delete") d.fail("unrecognized subdirective " + type);
            if (!d.next_arg()) d.wrong_args();
            json action{{"type", type}, {name_key, d.val()}};
            if (type == "replace") {
                if (!d.next_arg()) d.wrong_args();
                if (!d.val().empty()) action["value"] = d.val();
            }
            actions.push_back(action);
        }
    }
    return actions;
}

// d is the filter's own segment, before its first token (the filter's name).
json parse_field_filter(Dispenser& d, const std::string& name) {
    json filter{{"filter", name}};
    if (name == "delete" || name == "hash") return filter;
    if (name == "replace" || name == "rename" || name == "regexp") {
        // `for d.Next() { if d.NextArg() ... }`: the last pair of tokens that has one wins.
        const char* first = name == "regexp" ? "regexp" : name == "rename" ? "name" : "value";
        const auto set = [&](const char* key) {
            if (d.val().empty()) filter.erase(key); // omitempty
            else filter[key] = d.val();
        };
        while (d.next()) {
            if (d.next_arg()) set(first);
            if (name == "regexp" && d.next_arg()) set("value");
        }
        return filter;
    }
    if (name == "ip_mask") {
        while (d.next()) {
            while (d.next_block(0)) {
                const std::string option = d.val();
                if (option != "ipv4" && option != "ipv6") d.fail("unrecognized subdirective " + option);
                if (!d.next_arg()) d.wrong_args();
                int bits = 0;
                try {
                    std::size_t used = 0;
                    bits = std::stoi(d.val(), &used);
                    if (used != d.val().size()) throw std::invalid_argument(d.val());
                } catch (const std::exception&) {
                    d.fail("error parsing " + d.val() + ": invalid syntax");
                }
                if (bits != 0) filter[option + "_cidr"] = bits;
                else filter.erase(option + "_cidr");
            }
        }
        return filter;
    }
    if (name == "query") {
        filter["actions"] = parse_filter_actions(d, "parameter");
        return filter;
    }
    if (name == "cookie") {
        filter["actions"] = parse_filter_actions(d, "name");
        return filter;
    }
    d.fail("getting module named 'caddy.logging.encoders.filter." + name + "': module not registered");
}

json parse_encoder_segment(Dispenser& d) {
    d.next();
    const std::string format = d.val();
    json encoder{{"format", format}};
    if (format == "json" || format == "console") {
        if (d.next_arg()) d.wrong_args();
        parse_encoder_config(d, encoder);
        return encoder;
    }
    if (format != "filter") d.fail("getting module named 'caddy.logging.encoders." + format + "': module not registered");
    while (d.next_block(0)) {
        const std::string option = d.val();
        if (option == "wrap") {
            if (!d.next_arg()) d.wrong_args();
            encoder["wrap"] = parse_log_encoder(d);
        } else if (option == "fields") {
            while (d.next_block(1)) {
                const std::string field = d.val();
                if (!d.next_arg()) d.wrong_args();
                const std::string filter = d.val();
                Dispenser segment(d.take_segment(), d.directive());
                encoder["fields"][field] = parse_field_filter(segment, filter);
            }
        } else {
            d.fail("unrecognized subdirective " + option);
        }
    }
    return encoder;
}

std::string field_filter_line(const json& filter, const std::string& path, std::vector<std::string>& block) {
    const std::string name = filter.value("filter", "");
    const auto only = [&](std::initializer_list<const char*> keys) {
        for (const auto& item : filter.items()) {
            const std::string& key = item.key();
            if (key != "filter" && std::none_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; }))
                throw ExportError(path + "." + key, "has no Caddyfile form in a " + name + " filter");
        }
    };
    const auto text = [&](const char* key) {
        const json& v = filter.at(key);
        if (!v.is_string() || v.get<std::string>().empty()) throw ExportError(path + "." + key, "expected a non-empty string");
        return quote(v.get<std::string>());
    };
    if (name == "delete" || name == "hash") {
        only({});
        return name;
    }
    if (name == "replace" || name == "rename") {
        const char* key = name == "replace" ? "value" : "name";
        only({key});
        return filter.contains(key) ? name + " " + text(key) : name;
    }
    if (name == "regexp") {
        only({"regexp", "value"});
        if (!filter.contains("regexp")) {
            if (filter.contains("value")) throw ExportError(path + ".value", "a regexp filter's value needs its regexp");
            return name;
        }
        return name + " " + text("regexp") + (filter.contains("value") ? " " + text("value") : "");
    }
    if (name == "ip_mask") {
        only({"ipv4_cidr", "ipv6_cidr"});
        for (const char* key : {"ipv4_cidr", "ipv6_cidr"})
            if (filter.contains(key)) {
                if (!filter[key].is_number_integer() || filter[key] == 0) throw ExportError(path + "." + key, "expected a non-zero integer");
                block.push_back(std::string(key).substr(0, 4) + " " + filter[key].dump());
            }
        return name;
    }
    if (name == "query" || name == "cookie") {
        only({"actions"});
        const char* name_key = name == "query" ? "parameter" : "name";
        const json actions = filter.value("actions", json::array());
        for (std::size_t i = 0; i < actions.size(); ++i) {
            const json& a = actions[i];
            const std::string apath = index_path(path + ".actions", i);
            const std::string type = a.value("type", "");
            const bool replace = type == "replace";
            for (const auto& [key, value] : a.items())
                if (key != "type" && key != name_key && !(replace && key == "value"))
                    throw ExportError(apath + "." + key, "has no Caddyfile form in a " + name + " filter action");
            if (type != "replace" && type != "hash" && type != "delete") throw ExportError(apath + ".type", "expected replace, hash or delete");
            if (!a.contains(name_key) || !a[name_key].is_string()) throw ExportError(apath + "." + name_key, "expected a string");
            std::string line = type + " " + quote(a[name_key].get<std::string>());
            if (replace) line += " " + quote(a.value("value", ""));
            block.push_back(line);
        }
        return name;
    }
    throw ExportError(path + ".filter", "the log field filter \"" + name + "\" has no Caddyfile form");
}

void encoder_lines(const json& encoder, const std::string& path, const std::string& keyword, std::vector<std::string>& out) {
    if (!encoder.is_object() || !encoder.contains("format") || !encoder["format"].is_string())
        throw ExportError(path + ".format", "an encoder needs its format");
    const std::string format = encoder["format"];
    std::vector<std::string> block;
    for (const auto& [key, value] : encoder.items()) {
        if (key == "format") continue;
        const std::string kpath = path + "." + key;
        if (format == "filter" && key == "wrap") {
            encoder_lines(value, kpath, "wrap", block);
        } else if (format == "filter" && key == "fields") {
            if (!value.is_object() || value.empty()) throw ExportError(kpath, "expected an object of field filters");
            block.push_back("fields {");
            for (const auto& [field, filter] : value.items()) {
                std::vector<std::string> options;
                const std::string line = quote(field) + " " + field_filter_line(filter, kpath + "." + field, options);
                if (options.empty()) {
                    block.push_back("\t" + line);
                    continue;
                }
                block.push_back("\t" + line + " {");
                for (const auto& o : options) block.push_back("\t\t" + o);
                block.push_back("\t}");
            }
            block.push_back("}");
        } else if ((format == "json" || format == "console") && key == "time_local" && value == true) {
            block.push_back("time_local");
        } else if ((format == "json" || format == "console") && value.is_string() &&
                   (one_of(kKeyOptions, key) || (one_of(kValueOptions, key) && !value.get<std::string>().empty()))) {
            block.push_back(key + " " + (value.get<std::string>().empty() ? "\"\"" : quote(value.get<std::string>())));
        } else {
            throw ExportError(kpath, format == "json" || format == "console" || format == "filter"
                                         ? "has no Caddyfile form in a " + format + " encoder"
                                         : "the log encoder \"" + format + "\" has no Caddyfile form");
        }
    }
    if (format != "json" && format != "console" && format != "filter")
        throw ExportError(path + ".format", "the log encoder \"" + format + "\" has no Caddyfile form");
    if (block.empty()) {
        out.push_back(keyword + " " + format);
        return;
    }
    out.push_back(keyword + " " + format + " {");
    for (const auto& l : block) out.push_back("\t" + l);
    out.push_back("}");
}

} // namespace

json parse_log_encoder(Dispenser& d) {
    Dispenser segment(d.take_segment(), d.directive());
    return parse_encoder_segment(segment);
}

std::vector<std::string> log_encoder_lines(const json& encoder, const std::string& path) {
    std::vector<std::string> lines;
    encoder_lines(encoder, path, "format", lines);
    return lines;
}

} // namespace proxflow::caddyfile
