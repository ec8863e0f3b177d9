#include "redis/reply.hpp"

namespace proxflow::redis {

bool Reply::is_error(std::string_view code) const {
    return type == Type::error && str.starts_with(code) && (str.size() == code.size() || str[code.size()] == ' ');
}

std::string Reply::to_string() const {
    switch (type) {
    case Type::nil:
        return "nil";
    case Type::integer:
        return std::to_string(integer);
    case Type::string:
        return "\"" + str + "\"";
    case Type::error:
        return "(error) " + str;
    case Type::array:
        break;
    }
    std::string out = "[";
    for (const Reply& e : elements) out += (out.size() > 1 ? ", " : "") + e.to_string();
    return out + "]";
}

} // namespace proxflow::redis
