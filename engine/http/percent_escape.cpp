#include "http/percent_escape.hpp"

#include <cctype>

namespace proxflow {

std::string percent_escape_if(std::string_view text, bool (*keep)(unsigned char)) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (keep(c)) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string percent_escape(std::string_view text) {
    return percent_escape_if(text, [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; });
}

} // namespace proxflow
