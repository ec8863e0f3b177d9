#pragma once
#include "config/config_error.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace proxflow {

using json = nlohmann::json;

std::string join_path(const std::string& parent, std::string_view key);
std::string index_path(const std::string& parent, std::size_t index);

// Parses a Caddy duration: an integer of nanoseconds or a Go duration string ("1m30s", "250ms", "2d").
std::chrono::nanoseconds parse_duration(const json& value, const std::string& path);
std::string format_duration(std::chrono::nanoseconds d);
// Go's time.Duration.String ("4.5s", "1m30.25s", "250ms"), as Caddy's placeholders print durations.
std::string go_duration_string(std::chrono::nanoseconds d);

// Reads one JSON object field by field and remembers which fields were read, so that finish() can
// reject anything left over: an unknown field is an error that names its path, never ignored.
class ObjectReader {
public:
    ObjectReader(const json& object, std::string path);
    ObjectReader(const ObjectReader&) = delete;
    ObjectReader& operator=(const ObjectReader&) = delete;

    const std::string& path() const { return path_; }
    const json& raw() const { return object_; }
    std::string path_of(std::string_view key) const { return join_path(path_, key); }
    bool has(std::string_view key) const;

    // The raw value, marked as read; nullptr when absent.
    const json* take(std::string_view key);
    // Marks a field as known without reading it (e.g. a discriminator like "handler").
    void skip(std::string_view key);

    std::string string(std::string_view key, std::string fallback = {});
    bool boolean(std::string_view key, bool fallback = false);
    std::int64_t integer(std::string_view key, std::int64_t fallback = 0);
    double number(std::string_view key, double fallback = 0);
    std::chrono::nanoseconds duration(std::string_view key, std::chrono::nanoseconds fallback = {});
    std::vector<std::string> strings(std::string_view key);
    std::vector<int> integers(std::string_view key);

    void finish() const;

private:
    const json& object_;
    std::string path_;
    std::set<std::string, std::less<>> read_;
};

// Throws ConfigError at path unless value is an object.
const json& expect_object(const json& value, const std::string& path);
const json& expect_array(const json& value, const std::string& path);

} // namespace proxflow
