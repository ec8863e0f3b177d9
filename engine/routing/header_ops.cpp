#include "routing/header_ops.hpp"

#include "http/request_context.hpp"
#include "http/status_code.hpp"

#include <boost/beast/core/string.hpp>

namespace proxflow {
namespace {

std::vector<std::pair<std::string, std::vector<Template>>> read_field_map(const json* value, const std::string& path) {
    std::vector<std::pair<std::string, std::vector<Template>>> out;
    if (!value) return out;
    expect_object(*value, path);
    for (auto it = value->begin(); it != value->end(); ++it) {
        const std::string p = join_path(path, it.key());
        expect_array(it.value(), p);
        std::vector<Template> values;
        for (std::size_t i = 0; i < it.value().size(); ++i) {
            if (!it.value()[i].is_string()) throw ConfigError(index_path(p, i), "expected a string");
            values.emplace_back(it.value()[i].get<std::string>());
        }
        out.emplace_back(it.key(), std::move(values));
    }
    return out;
}

bool name_matches(std::string_view pattern, std::string_view name) {
    if (pattern == "*") return true;
    if (pattern.size() > 1 && pattern.front() == '*' && pattern.back() == '*') {
        const auto inner = pattern.substr(1, pattern.size() - 2);
        std::string lowered(name);
        for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string want(inner);
        for (auto& c : want) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return lowered.find(want) != std::string::npos;
    }
    if (pattern.front() == '*') {
        const auto suffix = pattern.substr(1);
        return name.size() >= suffix.size() && beast::iequals(name.substr(name.size() - suffix.size()), suffix);
    }
    if (pattern.back() == '*') {
        const auto prefix = pattern.substr(0, pattern.size() - 1);
        return name.size() >= prefix.size() && beast::iequals(name.substr(0, prefix.size()), prefix);
    }
    return beast::iequals(pattern, name);
}

} // namespace

HeaderOps HeaderOps::from_json(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    HeaderOps ops;
    ops.add_ = read_field_map(r.take("add"), r.path_of("add"));
    ops.set_ = read_field_map(r.take("set"), r.path_of("set"));
    ops.delete_ = r.strings("delete");
    if (const json* replace = r.take("replace")) {
        const std::string rpath = r.path_of("replace");
        expect_object(*replace, rpath);
        for (auto it = replace->begin(); it != replace->end(); ++it) {
            const std::string p = join_path(rpath, it.key());
            expect_array(it.value(), p);
            std::vector<Replacement> list;
            for (std::size_t i = 0; i < it.value().size(); ++i) {
                ObjectReader rr(it.value()[i], index_path(p, i));
                Replacement repl{rr.string("search"), std::nullopt, Template(rr.string("replace"))};
                if (rr.has("search_regexp")) {
                    try {
                        repl.search_regexp = std::regex(rr.string("search_regexp"));
                    } catch (const std::regex_error& e) {
                        throw ConfigError(rr.path_of("search_regexp"), std::string("invalid regular expression: ") + e.what());
                    }
                }
                rr.finish();
                list.push_back(std::move(repl));
            }
            ops.replace_.emplace_back(it.key(), std::move(list));
        }
    }
    r.finish();
    return ops;
}

void HeaderOps::apply(http::fields& fields, const RequestContext& ctx) const {
    for (const auto& [name, values] : add_)
        for (const auto& v : values) fields.insert(name, v.render(ctx));
    for (const auto& [name, values] : set_) {
        std::string joined;
        for (const auto& v : values) {
            if (!joined.empty()) joined += ',';
            joined += v.render(ctx);
        }
        fields.set(name, joined);
    }
    for (const auto& pattern : delete_) {
        if (pattern.find('*') == std::string::npos) {
            fields.erase(pattern);
            continue;
        }
        for (auto it = fields.begin(); it != fields.end();) {
            if (name_matches(pattern, it->name_string())) it = fields.erase(it);
            else ++it;
        }
    }
    for (const auto& [name, replacements] : replace_) {
        for (auto it = fields.begin(); it != fields.end(); ++it) {
            if (name != "*" && !beast::iequals(it->name_string(), name)) continue;
            std::string value(it->value());
            for (const auto& repl : replacements) {
                const std::string with = repl.replace.render(ctx);
                if (repl.search_regexp) {
                    value = std::regex_replace(value, *repl.search_regexp, with);
                } else if (!repl.search.empty()) {
                    for (auto pos = value.find(repl.search); pos != std::string::npos;
                         pos = value.find(repl.search, pos + with.size()))
                        value.replace(pos, repl.search.size(), with);
                }
            }
            fields.set(it->name_string(), value);
            break;
        }
    }
}

HeaderOps HeaderOps::from_response_json(const json& value, const std::string& path) {
    json ops = expect_object(value, path);
    std::vector<int> require_status;
    std::optional<HeaderRules> require_fields;
    if (ops.contains("require")) {
        ObjectReader require(ops["require"], join_path(path, "require"));
        require_status = require.integers("status_code");
        if (const json* fields = require.take("headers")) require_fields = HeaderRules::from_json(*fields, require.path_of("headers"));
        require.finish();
        ops.erase("require");
    }
    ops.erase("deferred");
    HeaderOps out = from_json(ops, path);
    out.require_status_ = std::move(require_status);
    out.require_fields_ = std::move(require_fields);
    return out;
}

bool HeaderOps::applies_to(const http::response_header<>& header, const RequestContext& ctx) const {
    if (!require_status_.empty() && !any_status_matches(header.result_int(), require_status_)) return false;
    return !require_fields_ || require_fields_->match(header, &ctx);
}

} // namespace proxflow
