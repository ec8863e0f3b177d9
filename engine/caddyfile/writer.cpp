#include "caddyfile/writer.hpp"

#include "caddyfile/exporter.hpp"
#include "caddyfile/helper.hpp"
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

} // namespace proxflow::caddyfile
