#pragma once
// reverse_proxy's `transport` when it is {"protocol": "fastcgi"}, spelled as Caddy 2.6.2's
// fastcgi.Transport. ProxFlow reads, writes and exports it, but does not speak FastCGI: the engine
// refuses it at run (check_supported).
#include "config/object_reader.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace proxflow {

struct FastcgiTransportConfig {
    std::string root;
    std::vector<std::string> split_path;
    bool resolve_root_symlink = false;
    std::map<std::string, std::string> env;
    std::chrono::nanoseconds dial_timeout{};
    std::chrono::nanoseconds read_timeout{};
    std::chrono::nanoseconds write_timeout{};
    bool capture_stderr = false;

    bool operator==(const FastcgiTransportConfig&) const = default;
    static FastcgiTransportConfig from_json(const json& value, const std::string& path);
    json to_json() const;
    // Always throws: ProxFlow has no FastCGI client yet (path is the transport's).
    [[noreturn]] static void refuse(const std::string& path);
};

} // namespace proxflow
