#pragma once
#include <string>

namespace proxflow {

// A config value with the JSON path it was read at, for what is built from it later (another
// module's config held as JSON, an address checked when the runtime builds it), so that errors
// then still name where it was written. The path is where, not what: equality ignores it.
template <class T>
struct Located {
    T value{};
    std::string path;

    bool operator==(const Located& other) const { return value == other.value; }
};

} // namespace proxflow
