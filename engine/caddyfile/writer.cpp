#include "caddyfile/writer.hpp"

#include "caddyfile/exporter.hpp"
#include "caddyfile/helper.hpp"
#include "caddyfile/lexer.hpp"
#include "config/object_reader.hpp"

namespace proxflow::caddyfile {

std::string duration(const nlohmann::json& value, const std::string& path) {
    return format_duration(parse_duration(value, path));
}

std::string str(const nlohmann::json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

std::string scalar_token(const nlohmann::json& v, const std::string& path) {
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number()) return v.dump();
    if (!v.is_string()) throw ExportError(path, "only a string, number or boolean has a Caddyfile form here");
    const std::string s = v.get<std::string>();
    const std::string bare = quote(s);
    if (bare == s && !scalar_value(Token{.text = s, .file = nullptr}).is_string()) return "\"" + s + "\"";
    return bare;
}

std::string inline_matcher_token(const nlohmann::json& set) {
    if (!set.is_object() || set.size() != 1 || !set.contains("path") || !set["path"].is_array() || set["path"].size() != 1 ||
        !set["path"][0].is_string())
        return "";
    const std::string p = set["path"][0];
    return p.starts_with("/") ? quote(p) : "";
}

std::optional<std::string> inline_matcher_path(const std::string& token) {
    if (token.empty()) return std::nullopt;
    const Tokens read = tokenize(token, "matcher token");
    if (read.size() != 1 || !read[0].text.starts_with("/")) return std::nullopt;
    return read[0].text;
}

} // namespace proxflow::caddyfile
