#pragma once
// Test JSON written with single quotes, so it reads cleanly inside C++ strings (and moc, which
// cannot parse raw string literals in macro arguments, stays happy).
#include <string>

namespace proxflow::test {
inline std::string q(const char* text) {
    std::string out(text);
    for (auto& c : out)
        if (c == '\'') c = '"';
    return out;
}
} // namespace proxflow::test
