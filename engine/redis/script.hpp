#pragma once
#include <string>

namespace proxflow::redis {

// A Lua script as it is sent: by its SHA1 (EVALSHA), in full only when the server lacks it (NOSCRIPT).
struct Script {
    explicit Script(std::string source);
    std::string source;
    std::string sha1; // lowercase hex, as SCRIPT LOAD answers
};

} // namespace proxflow::redis
