#pragma once
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace proxflow::caddyfile {

// A Caddyfile problem with where it is: what() reads "FILE:LINE: message", and the message names
// the directive.
struct AdaptError : std::runtime_error {
    AdaptError(std::string file, int line, const std::string& message)
        : std::runtime_error(file + ":" + std::to_string(line) + ": " + message), file(std::move(file)), line(line) {}
    std::string file;
    int line;
};

// Caddyfile text to Caddy's native JSON, as Caddy 2.6 adapts it. filename names the file in errors
// and anchors relative `import`s.
nlohmann::json adapt(std::string_view text, const std::string& filename);

} // namespace proxflow::caddyfile
