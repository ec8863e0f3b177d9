#include "caddyfile/writer.hpp"

#include "config/object_reader.hpp"

namespace proxflow::caddyfile {

std::string duration(const nlohmann::json& value, const std::string& path) {
    return format_duration(parse_duration(value, path));
}

std::string str(const nlohmann::json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

} // namespace proxflow::caddyfile
