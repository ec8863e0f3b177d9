#include "modules/file_server/file_matcher.hpp"

#include "http/request_context.hpp"
#include "modules/file_server/served_path.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace proxflow::file_server {
namespace {


// Go's filepath hasMeta on Unix: the characters that make a pattern a glob, the escape included.
bool has_glob_meta(std::string_view s) { return s.find_first_of("*?[\\") != std::string_view::npos; }

// Caddy's globSafeRepl: a placeholder's value cannot expand into a glob.
void append_glob_escaped(std::string_view value, std::string& out) {
    for (char c : value) {
        if (c == '*' || c == '[' || c == '?') out += '\\';
        out += c;
    }
}

// Caddy renders the root with ReplaceAll(root, "."): an empty or unknown placeholder becomes ".".
void append_or_dot(std::string_view value, std::string& out) { out += value.empty() ? std::string_view(".") : value; }

// parseErrorCode: "=NNN" with 100 <= NNN <= 999; 0 for anything else.
unsigned error_code(std::string_view pattern) {
    if (pattern.size() < 2 || pattern[0] != '=') return 0;
    int code = 0;
    const char* end = pattern.data() + pattern.size();
    auto [p, ec] = std::from_chars(pattern.data() + 1, end, code);
    if (ec != std::errc{} || p != end || code < 100 || code > 999) return 0;
    return static_cast<unsigned>(code);
}

// filepath.Glob's cleanGlobPath and Split, on '/'.
std::pair<std::string, std::string> split_dir(const std::string& pattern) {
    const auto slash = pattern.rfind('/');
    std::string dir = slash == std::string::npos ? "" : pattern.substr(0, slash + 1);
    std::string file = slash == std::string::npos ? pattern : pattern.substr(slash + 1);
    if (dir.empty()) dir = ".";
    else if (dir != "/") dir.pop_back();
    return {dir, file};
}

// filepath.Join of a directory and one name.
std::string join(const std::string& dir, const std::string& name) { return clean_path(dir + "/" + name); }

// filepath.glob: the names in dir that match pattern, sorted.
void glob_in(const std::string& dir, const std::string& pattern, std::vector<std::string>& out) {
    struct stat st{};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
        const std::string_view n = e->d_name;
        if (n != "." && n != "..") names.emplace_back(n);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto& n : names)
        if (glob_match(pattern, n)) out.push_back(join(dir, n));
}

} // namespace

std::vector<std::string> glob_files(const std::string& pattern) {
    if (!has_glob_meta(pattern)) {
        struct stat st{};
        if (::lstat(pattern.c_str(), &st) != 0) return {};
        return {pattern};
    }
    auto [dir, file] = split_dir(pattern);
    std::vector<std::string> out;
    if (!has_glob_meta(dir)) {
        glob_in(dir, file, out);
        return out;
    }
    if (dir == pattern) return {}; // Go's ErrBadPattern: no shorter directory to expand first
    for (const auto& d : glob_files(dir)) glob_in(d, file, out);
    return out;
}

namespace {

bool equal_fold(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

// Caddy 2.6.2's indexFold: it stops one short of the end (i+len < len), so a delimiter that ends
// the path is not found there; kept, as it decides which paths split.
std::ptrdiff_t index_fold(std::string_view haystack, std::string_view needle) {
    for (std::size_t i = 0; i + needle.size() < haystack.size(); ++i)
        if (equal_fold(haystack.substr(i, needle.size()), needle)) return static_cast<std::ptrdiff_t>(i);
    return -1;
}

struct Candidate {
    std::string full, relative, remainder;
};

std::vector<Candidate> candidates(const std::string& root, const TryFile& f, const std::vector<std::string>& split_path) {
    auto [before, after] = first_split(clean_path(f.expanded), split_path);
    if (f.pattern.ends_with("/")) before += "/";
    std::vector<Candidate> out;
    for (auto& full : glob_files(sanitized_path_join(root, before))) {
        std::string relative = full.starts_with(root) ? full.substr(root.size()) : full;
        out.push_back({std::move(full), std::move(relative), after});
    }
    return out;
}

SelectedFile selected(Candidate c, const struct stat& st) {
    return {std::move(c.relative), std::move(c.full), std::move(c.remainder), S_ISDIR(st.st_mode)};
}

class FileMatcher final : public Matcher {
public:
    explicit FileMatcher(const FileMatchConfig& c)
        : root_(c.root.empty() ? "{http.vars.root}" : c.root), policy_(*try_policy_named(c.try_policy)), split_(c.split_path) {
        for (const auto& f : c.try_files.value_or(std::vector<std::string>{"{http.request.uri.path}"})) files_.push_back({f, Template(f)});
    }

    bool match(const RequestContext& ctx) const override {
        const std::string root = clean_path(root_.render(ctx, append_or_dot));
        std::vector<TryFile> files;
        files.reserve(files_.size());
        for (const auto& [pattern, text] : files_) files.push_back({pattern, text.render(ctx, append_glob_escaped)});
        FileSelection s = select_file(root, files, policy_, split_);
        if (s.error_status) ctx.matcher_error_status = s.error_status;
        if (!s.file) return false;
        ctx.set_matcher_placeholder("http.matchers.file.relative", std::move(s.file->relative));
        ctx.set_matcher_placeholder("http.matchers.file.absolute", std::move(s.file->absolute));
        ctx.set_matcher_placeholder("http.matchers.file.remainder", std::move(s.file->remainder));
        ctx.set_matcher_placeholder("http.matchers.file.type", s.file->directory ? "directory" : "file");
        return true;
    }

private:
    Template root_;
    std::vector<std::pair<std::string, Template>> files_;
    TryPolicy policy_;
    std::vector<std::string> split_;
};

} // namespace

std::pair<std::string, std::string> first_split(const std::string& path, const std::vector<std::string>& split_path) {
    for (const auto& split : split_path) {
        const auto idx = index_fold(path, split);
        if (idx < 0) continue;
        const std::size_t pos = static_cast<std::size_t>(idx) + split.size();
        if (pos != path.size() && path[pos] != '/') continue; // the delimiter must end a path element
        return {path.substr(0, pos), path.substr(pos)};
    }
    return {path, ""};
}

FileSelection select_file(const std::string& root, const std::vector<TryFile>& files, TryPolicy policy,
                          const std::vector<std::string>& split_path) {
    struct stat st{};
    if (policy == TryPolicy::first_exist) {
        for (const auto& f : files) {
            if (const unsigned code = error_code(f.pattern)) return {std::nullopt, code};
            for (auto& c : candidates(root, f, split_path)) {
                // A path ending in '/' must be a directory, any other must not be.
                if (::stat(c.full.c_str(), &st) != 0 || static_cast<bool>(S_ISDIR(st.st_mode)) != c.full.ends_with("/")) continue;
                return {selected(std::move(c), st), 0};
            }
        }
        return {};
    }
    // The other policies stat every candidate and keep the best; as in Caddy, largest_size never picks
    // an empty file and smallest_size treats a kept empty one as none yet.
    std::optional<Candidate> best;
    struct stat best_st{};
    for (const auto& f : files) {
        for (auto& c : candidates(root, f, split_path)) {
            if (::stat(c.full.c_str(), &st) != 0) continue;
            bool better = false;
            switch (policy) {
            case TryPolicy::largest_size: better = st.st_size > (best ? best_st.st_size : 0); break;
            case TryPolicy::smallest_size: better = !best || best_st.st_size == 0 || st.st_size < best_st.st_size; break;
            case TryPolicy::most_recently_modified:
                better = !best || st.st_mtim.tv_sec > best_st.st_mtim.tv_sec ||
                         (st.st_mtim.tv_sec == best_st.st_mtim.tv_sec && st.st_mtim.tv_nsec > best_st.st_mtim.tv_nsec);
                break;
            case TryPolicy::first_exist: break;
            }
            if (better) {
                best = std::move(c);
                best_st = st;
            }
        }
    }
    if (!best) return {};
    return {selected(std::move(*best), best_st), 0};
}

std::unique_ptr<Matcher> make_file_matcher(const json& value, const std::string& path) {
    return std::make_unique<FileMatcher>(FileMatchConfig::from_json(value, path));
}

} // namespace proxflow::file_server
