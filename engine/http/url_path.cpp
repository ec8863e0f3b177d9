#include "http/url_path.hpp"

#include <vector>

namespace proxflow {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// "." or ".." as a segment reads, escapes of the dot included; 0 for any other segment.
int dots_in(std::string_view segment) {
    int dots = 0;
    for (std::size_t i = 0; i < segment.size();) {
        if (segment[i] == '.') ++i;
        else if (segment.size() - i >= 3 && segment[i] == '%' && segment[i + 1] == '2' && (segment[i + 2] | 0x20) == 'e')
            i += 3;
        else
            return 0;
        if (++dots > 2) return 0;
    }
    return dots;
}

} // namespace

std::optional<std::string> unescape_path(std::string_view escaped) {
    std::string out;
    out.reserve(escaped.size());
    for (std::size_t i = 0; i < escaped.size(); ++i) {
        if (escaped[i] != '%') {
            out += escaped[i];
            continue;
        }
        if (i + 2 >= escaped.size()) return std::nullopt;
        const int hi = hex_value(escaped[i + 1]), lo = hex_value(escaped[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

std::string clean_path(std::string_view path) {
    if (path.empty()) return ".";
    const bool rooted = path[0] == '/';
    std::vector<std::string_view> parts;
    std::size_t dotdots = 0; // leading ".." of a relative path, which cannot be resolved
    for (std::size_t i = 0; i < path.size();) {
        std::size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        const std::string_view part = path.substr(i, j - i);
        i = j + 1;
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (parts.size() > dotdots) parts.pop_back();
            else if (!rooted) {
                parts.push_back(part);
                ++dotdots;
            }
            continue;
        }
        parts.push_back(part);
    }
    std::string out = rooted ? "/" : "";
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += '/';
        out += parts[i];
    }
    return out.empty() ? "." : out;
}

std::string clean_matched_path(std::string_view path, bool merge_slashes) {
    std::string cleaned;
    if (merge_slashes) {
        cleaned = clean_path(path);
    } else {
        // As Caddy: a byte no URI holds goes between doubled slashes, so Clean sees no empty
        // segment, and comes out again afterwards.
        constexpr char marker = '\xff';
        std::string marked;
        marked.reserve(path.size() + 4);
        for (std::size_t i = 0; i < path.size(); ++i) {
            if (path[i] == '/' && i > 0 && path[i - 1] == '/') marked += marker;
            marked += path[i];
        }
        cleaned = clean_path(marked);
        std::erase(cleaned, marker);
    }
    if (cleaned != "/" && !path.empty() && path.back() == '/') cleaned += '/';
    return cleaned;
}

std::optional<std::string> remove_dot_segments(std::string_view path) {
    // Segments after the leading "/", each kept as written unless it is a dot segment.
    std::vector<std::string_view> kept;
    bool ends_in_directory = false;
    for (std::size_t i = 1; i <= path.size();) {
        std::size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        const std::string_view segment = path.substr(i, j - i);
        const bool last = j == path.size();
        i = j + 1;
        const int dots = dots_in(segment);
        if (dots == 2) {
            if (kept.empty()) return std::nullopt;
            kept.pop_back();
        } else if (dots == 0) {
            kept.push_back(segment);
        }
        // "/a/." and "/a/.." name a directory: the result keeps its trailing slash.
        ends_in_directory = last && dots > 0;
    }
    std::string out;
    out.reserve(path.size());
    for (const auto segment : kept) {
        out += '/';
        out += segment;
    }
    if (out.empty() || ends_in_directory) out += '/';
    return out;
}

} // namespace proxflow
