#pragma once
#include <stdexcept>
#include <string>

namespace proxflow {

// A config problem with the JSON path of the value that caused it,
// e.g. "apps.http.servers.srv0.routes[2].handle[0].upstreams[1].dial".
class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string path, const std::string& message)
        : std::runtime_error(path.empty() ? message : path + ": " + message), path_(std::move(path)) {}
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

} // namespace proxflow
