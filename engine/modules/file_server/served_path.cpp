#include "modules/file_server/served_path.hpp"

#include <unistd.h>

#include <climits>

namespace proxflow::file_server {
namespace {

// One character class of Go's filepath.Match starting after '['; advances p past ']'.
// Returns nullopt for a malformed class.
std::optional<bool> match_class(std::string_view pattern, std::size_t& p, char c) {
    bool negated = false;
    if (p < pattern.size() && pattern[p] == '^') {
        negated = true;
        ++p;
    }
    bool matched = false;
    bool first = true;
    while (true) {
        if (p >= pattern.size()) return std::nullopt;
        if (pattern[p] == ']' && !first) {
            ++p;
            break;
        }
        first = false;
        auto take = [&]() -> std::optional<char> {
            if (p >= pattern.size()) return std::nullopt;
            if (pattern[p] == '\\') {
                if (++p >= pattern.size()) return std::nullopt;
            }
            return pattern[p++];
        };
        const auto lo = take();
        if (!lo) return std::nullopt;
        char hi = *lo;
        if (p < pattern.size() && pattern[p] == '-') {
            ++p;
            const auto h = take();
            if (!h) return std::nullopt;
            hi = *h;
        }
        if (*lo <= c && c <= hi) matched = true;
    }
    return matched != negated;
}

bool glob_from(std::string_view pattern, std::size_t p, std::string_view name, std::size_t n) {
    while (p < pattern.size()) {
        const char pc = pattern[p];
        if (pc == '*') {
            while (p < pattern.size() && pattern[p] == '*') ++p;
            // '*' matches any run of non-separator characters: try every split point.
            for (std::size_t k = n;; ++k) {
                if (glob_from(pattern, p, name, k)) return true;
                if (k >= name.size() || name[k] == '/') return false;
            }
        }
        if (n >= name.size()) return false;
        if (pc == '?') {
            if (name[n] == '/') return false;
            ++p;
        } else if (pc == '[') {
            ++p;
            if (name[n] == '/') return false;
            const auto ok = match_class(pattern, p, name[n]);
            if (!ok || !*ok) return false;
        } else {
            char literal = pc;
            if (pc == '\\') {
                if (++p >= pattern.size()) return false;
                literal = pattern[p];
            }
            if (literal != name[n]) return false;
            ++p;
        }
        ++n;
    }
    return n == name.size();
}

} // namespace

std::string sanitized_path_join(std::string_view root, std::string_view request_path) {
    const std::string base = root.empty() ? "." : std::string(root);
    std::string joined = clean_path(base + "/" + clean_path("/" + std::string(request_path)));
    if (request_path.size() > 1 && request_path.back() == '/') joined += '/';
    return joined;
}

std::string absolute_path(std::string_view path) {
    if (!path.empty() && path[0] == '/') return clean_path(path);
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) return clean_path(path);
    return clean_path(std::string(cwd) + "/" + std::string(path));
}

bool glob_match(std::string_view pattern, std::string_view name) { return glob_from(pattern, 0, name, 0); }

std::string hide_entry(std::string rendered) {
    if (rendered.find('/') != std::string::npos) return absolute_path(rendered);
    return rendered;
}

bool file_hidden(std::string_view filename, const std::vector<std::string>& hide) {
    if (hide.empty()) return false;
    const std::string absolute = absolute_path(filename);
    for (const auto& h : hide) {
        if (h.find('/') == std::string::npos) {
            for (std::size_t i = 0; i <= absolute.size();) {
                std::size_t j = absolute.find('/', i);
                if (j == std::string::npos) j = absolute.size();
                if (glob_match(h, std::string_view(absolute).substr(i, j - i))) return true;
                i = j + 1;
            }
        } else if (absolute.starts_with(h) && absolute.size() > h.size() && absolute[h.size()] == '/') {
            return true;
        }
        if (glob_match(h, absolute)) return true;
    }
    return false;
}

} // namespace proxflow::file_server
