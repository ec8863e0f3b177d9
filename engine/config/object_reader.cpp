#include "config/object_reader.hpp"

#include <cctype>
#include <cmath>

namespace proxflow {

std::string join_path(const std::string& parent, std::string_view key) {
    if (parent.empty()) return std::string(key);
    std::string out = parent;
    out += '.';
    out += key;
    return out;
}

std::string index_path(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

const json& expect_object(const json& value, const std::string& path) {
    if (!value.is_object()) throw ConfigError(path, "expected an object, got " + std::string(value.type_name()));
    return value;
}

const json& expect_array(const json& value, const std::string& path) {
    if (!value.is_array()) throw ConfigError(path, "expected an array, got " + std::string(value.type_name()));
    return value;
}

std::chrono::nanoseconds parse_duration(const json& value, const std::string& path) {
    using namespace std::chrono;
    if (value.is_number_integer()) return nanoseconds(value.get<std::int64_t>());
    if (!value.is_string()) throw ConfigError(path, "expected a duration (integer nanoseconds or a string like \"10s\")");
    const std::string text = value.get<std::string>();
    if (text.empty()) throw ConfigError(path, "empty duration");
    double total = 0;
    std::size_t i = 0;
    bool negative = false;
    if (text[0] == '-' || text[0] == '+') {
        negative = text[0] == '-';
        ++i;
    }
    if (text.substr(i) == "0") return nanoseconds(0);
    while (i < text.size()) {
        std::size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
        if (start == i) throw ConfigError(path, "invalid duration \"" + text + "\"");
        const double amount = std::stod(text.substr(start, i - start));
        std::size_t unit_start = i;
        while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') ++i;
        const std::string unit = text.substr(unit_start, i - unit_start);
        double scale;
        if (unit == "ns") scale = 1;
        else if (unit == "us" || unit == "µs") scale = 1e3;
        else if (unit == "ms") scale = 1e6;
        else if (unit == "s") scale = 1e9;
        else if (unit == "m") scale = 60e9;
        else if (unit == "h") scale = 3600e9;
        else if (unit == "d") scale = 86400e9;
        else throw ConfigError(path, "invalid duration \"" + text + "\": unknown unit \"" + unit + "\"");
        total += amount * scale;
    }
    // Go's ParseDuration refuses what int64 nanoseconds cannot hold, 2^63-1 at most and -2^63 at least;
    // the sum is a double here, so a value that rounds to 2^63 is the extreme of its sign.
    constexpr double limit = 9223372036854775808.0;
    if (total > limit) throw ConfigError(path, "invalid duration \"" + text + "\": out of range");
    if (total == limit) return negative ? nanoseconds::min() : nanoseconds::max();
    return nanoseconds(static_cast<std::int64_t>(std::llround(negative ? -total : total)));
}

std::string go_duration_string(std::chrono::nanoseconds d) {
    std::int64_t ns = d.count();
    if (ns == 0) return "0s";
    std::string sign = ns < 0 ? "-" : "";
    // The magnitude in unsigned arithmetic, as Go's Duration.String: -ns overflows for the minimum.
    const std::uint64_t u = ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
    // A whole part and a fraction of `digits` digits, trailing zeros dropped, as Go's fmtFrac.
    const auto fraction = [](std::uint64_t whole, std::uint64_t frac, int digits, const char* unit) {
        std::string text = std::to_string(whole);
        std::string f = std::to_string(frac);
        f.insert(0, static_cast<std::size_t>(digits) - f.size(), '0');
        while (!f.empty() && f.back() == '0') f.pop_back();
        if (!f.empty()) text += "." + f;
        return text + unit;
    };
    if (u < 1000) return sign + std::to_string(u) + "ns";
    if (u < 1000000) return sign + fraction(u / 1000, u % 1000, 3, "us");
    if (u < 1000000000) return sign + fraction(u / 1000000, u % 1000000, 6, "ms");
    std::uint64_t seconds = u / 1000000000;
    std::string out = sign;
    if (seconds >= 3600) out += std::to_string(seconds / 3600) + "h";
    if (seconds >= 60) out += std::to_string(seconds / 60 % 60) + "m";
    return out + fraction(seconds % 60, u % 1000000000, 9, "s");
}

std::string format_duration(std::chrono::nanoseconds d) {
    if (d.count() == 0) return "0s";
    std::string out = d.count() < 0 ? "-" : "";
    // The magnitude in unsigned arithmetic: negating the minimum overflows.
    const std::uint64_t ns = d.count() < 0 ? 0 - static_cast<std::uint64_t>(d.count()) : static_cast<std::uint64_t>(d.count());
    if (ns % 1000000000 != 0) {
        if (ns % 1000000 == 0) return out + std::to_string(ns / 1000000) + "ms";
        if (ns % 1000 == 0) return out + std::to_string(ns / 1000) + "us";
        return out + std::to_string(ns) + "ns";
    }
    auto s = ns / 1000000000;
    if (s >= 3600) {
        out += std::to_string(s / 3600) + "h";
        s %= 3600;
    }
    if (s >= 60) {
        out += std::to_string(s / 60) + "m";
        s %= 60;
    }
    if (s) out += std::to_string(s) + "s";
    return out;
}

ObjectReader::ObjectReader(const json& object, std::string path) : object_(object), path_(std::move(path)) {
    expect_object(object_, path_);
}

bool ObjectReader::has(std::string_view key) const { return object_.contains(key); }

const json* ObjectReader::take(std::string_view key) {
    auto it = object_.find(key);
    if (it == object_.end()) return nullptr;
    read_.emplace(key);
    return &*it;
}

void ObjectReader::skip(std::string_view key) { read_.emplace(key); }

std::string ObjectReader::string(std::string_view key, std::string fallback) {
    const json* v = take(key);
    if (!v) return fallback;
    if (!v->is_string()) throw ConfigError(path_of(key), "expected a string, got " + std::string(v->type_name()));
    return v->get<std::string>();
}

bool ObjectReader::boolean(std::string_view key, bool fallback) {
    const json* v = take(key);
    if (!v) return fallback;
    if (!v->is_boolean()) throw ConfigError(path_of(key), "expected true or false, got " + std::string(v->type_name()));
    return v->get<bool>();
}

std::int64_t ObjectReader::integer(std::string_view key, std::int64_t fallback) {
    const json* v = take(key);
    if (!v) return fallback;
    if (!v->is_number_integer()) throw ConfigError(path_of(key), "expected an integer, got " + std::string(v->type_name()));
    return v->get<std::int64_t>();
}

double ObjectReader::number(std::string_view key, double fallback) {
    const json* v = take(key);
    if (!v) return fallback;
    if (!v->is_number()) throw ConfigError(path_of(key), "expected a number, got " + std::string(v->type_name()));
    return v->get<double>();
}

std::chrono::nanoseconds ObjectReader::duration(std::string_view key, std::chrono::nanoseconds fallback) {
    const json* v = take(key);
    return v ? parse_duration(*v, path_of(key)) : fallback;
}

std::vector<std::string> ObjectReader::strings(std::string_view key) {
    std::vector<std::string> out;
    const json* v = take(key);
    if (!v) return out;
    const std::string path = path_of(key);
    expect_array(*v, path);
    for (std::size_t i = 0; i < v->size(); ++i) {
        if (!(*v)[i].is_string()) throw ConfigError(index_path(path, i), "expected a string");
        out.push_back((*v)[i].get<std::string>());
    }
    return out;
}

std::vector<int> ObjectReader::integers(std::string_view key) {
    std::vector<int> out;
    const json* v = take(key);
    if (!v) return out;
    const std::string path = path_of(key);
    expect_array(*v, path);
    for (std::size_t i = 0; i < v->size(); ++i) {
        if (!(*v)[i].is_number_integer()) throw ConfigError(index_path(path, i), "expected an integer");
        out.push_back((*v)[i].get<int>());
    }
    return out;
}

void ObjectReader::finish() const {
    for (auto it = object_.begin(); it != object_.end(); ++it) {
        if (!read_.contains(it.key())) throw ConfigError(path_of(it.key()), "unknown field \"" + it.key() + "\"");
    }
}

} // namespace proxflow
