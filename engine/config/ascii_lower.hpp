#pragma once
#include <string>
#include <string_view>

namespace proxflow {

// ASCII lower case, locale-independent (Go's strings.ToLower on the names, schemes, hosts and
// extensions it is used for): bytes outside A-Z are kept as they are.
inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace proxflow
