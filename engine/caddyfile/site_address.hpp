#pragma once
#include <string>

namespace proxflow::caddyfile {

// A site block key: [scheme://]host[:port][/path], normalised (host and scheme lowercase).
struct SiteAddress {
    std::string original, scheme, host, port, path;
    // Throws std::invalid_argument with a message on a bad port.
    static SiteAddress parse(const std::string& key);
};

} // namespace proxflow::caddyfile
