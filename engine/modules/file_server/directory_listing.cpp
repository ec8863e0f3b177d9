#include "modules/file_server/directory_listing.hpp"

#include "config/ascii_lower.hpp"
#include "http/percent_escape.hpp"

#include "modules/file_server/served_path.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

namespace proxflow::file_server {
namespace {

// Go's url.URL{Path: p}.String(): only letters, digits, "-_.~" and "$&+,/:;=@" stay as they are.
std::string escape_url_path(std::string_view p) {
    return percent_escape_if(p, [](unsigned char c) {
        return std::isalnum(c) || std::string_view("-_.~$&+,/:;=@").find(static_cast<char>(c)) != std::string_view::npos;
    });
}

std::uint32_t go_file_mode(mode_t m) {
    std::uint32_t mode = m & 0777;
    if (S_ISDIR(m)) mode |= 1u << 31;
    else if (S_ISLNK(m)) mode |= 1u << 27;
    else if (S_ISFIFO(m)) mode |= 1u << 25;
    else if (S_ISSOCK(m)) mode |= 1u << 24;
    else if (S_ISCHR(m)) mode |= (1u << 26) | (1u << 21);
    else if (S_ISBLK(m)) mode |= 1u << 26;
    if (m & S_ISUID) mode |= 1u << 23;
    if (m & S_ISGID) mode |= 1u << 22;
    if (m & S_ISVTX) mode |= 1u << 20;
    return mode;
}

// Go's time.Time JSON form in UTC (RFC 3339 with nanoseconds, trailing zeros dropped).
std::string rfc3339_nano(const std::timespec& t) {
    std::tm tm{};
    ::gmtime_r(&t.tv_sec, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = buf;
    if (t.tv_nsec) {
        std::string frac = std::to_string(t.tv_nsec + 1000000000L).substr(1);
        while (frac.back() == '0') frac.pop_back();
        out += "." + frac;
    }
    return out + "Z";
}


std::string human_size(std::uint64_t n) {
    static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

} // namespace

bool read_listing(const std::string& dir, std::string_view request_path, const std::vector<std::string>& hide,
                  DirectoryListing& out) {
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) return false;
    const std::string clean = clean_path(request_path);
    out.path = clean;
    out.can_go_up = clean.size() > 1;
    const auto slash = clean.rfind('/');
    out.name = clean == "/" ? "/" : clean.substr(slash + 1);
    std::string base = dir;
    if (!base.ends_with('/')) base += '/';
    // Caddy reads at most 10000 entries of a directory.
    while (dirent* e = ::readdir(d.get())) {
        if (out.entries.size() >= 10000) break;
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        if (file_hidden(name, hide)) continue;
        struct stat link {};
        if (::lstat((base + name).c_str(), &link) != 0) continue;
        ListingEntry entry;
        entry.is_symlink = S_ISLNK(link.st_mode);
        entry.size = static_cast<std::uint64_t>(link.st_size);
        entry.is_dir = S_ISDIR(link.st_mode);
        if (entry.is_symlink) {
            struct stat target {};
            if (::stat((base + name).c_str(), &target) == 0) {
                entry.size = static_cast<std::uint64_t>(target.st_size);
                entry.is_dir = S_ISDIR(target.st_mode);
            }
        }
        entry.name = entry.is_dir ? name + "/" : name;
        entry.url = "./" + escape_url_path(entry.name);
        entry.modified = link.st_mtim;
        entry.mode = go_file_mode(link.st_mode);
        out.entries.push_back(std::move(entry));
    }
    return true;
}

void sort_listing(DirectoryListing& listing, std::string_view sort, std::string_view order) {
    auto& items = listing.entries;
    const auto by_name = [](const ListingEntry& a, const ListingEntry& b) { return ascii_lower(a.name) < ascii_lower(b.name); };
    if (sort == "name") {
        std::stable_sort(items.begin(), items.end(), by_name);
    } else if (sort == "size") {
        std::stable_sort(items.begin(), items.end(), [&](const ListingEntry& a, const ListingEntry& b) {
            if (a.is_dir && b.is_dir) return by_name(a, b);
            if (a.is_dir != b.is_dir) return a.is_dir; // directories first: their sizes mean nothing
            return a.size < b.size;
        });
    } else if (sort == "time") {
        std::stable_sort(items.begin(), items.end(), [](const ListingEntry& a, const ListingEntry& b) {
            return a.modified.tv_sec != b.modified.tv_sec ? a.modified.tv_sec < b.modified.tv_sec : a.modified.tv_nsec < b.modified.tv_nsec;
        });
    } else {
        std::stable_sort(items.begin(), items.end(), [&](const ListingEntry& a, const ListingEntry& b) {
            if (a.is_dir != b.is_dir) return a.is_dir;
            return by_name(a, b);
        });
    }
    if (order == "desc") std::reverse(items.begin(), items.end());
}

std::string listing_json(const DirectoryListing& listing) {
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const auto& e : listing.entries)
        items.push_back({{"name", e.name},
                         {"size", e.size},
                         {"url", e.url},
                         {"mod_time", rfc3339_nano(e.modified)},
                         {"mode", e.mode},
                         {"is_dir", e.is_dir},
                         {"is_symlink", e.is_symlink}});
    // Go's encoder escapes <, > and & inside strings; nothing else in the text can hold them.
    std::string out;
    for (char c : items.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) {
        if (c == '<') out += "\\u003c";
        else if (c == '>') out += "\\u003e";
        else if (c == '&') out += "\\u0026";
        else out += c;
    }
    return out + "\n";
}

std::string listing_html(const DirectoryListing& listing) {
    std::size_t dirs = 0;
    for (const auto& e : listing.entries) dirs += e.is_dir;
    std::string html = "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
                       html_escape(listing.name) +
                       "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.2em 1em;text-align:left}"
                       "td.size{text-align:right}</style>\n</head>\n<body>\n<h1>" +
                       html_escape(listing.path) + "</h1>\n<p>" + std::to_string(dirs) + " directories, " +
                       std::to_string(listing.entries.size() - dirs) +
                       " files</p>\n<table>\n<tr><th><a href=\"?sort=name\">Name</a></th><th><a href=\"?sort=size\">Size</a></th>"
                       "<th><a href=\"?sort=time\">Modified</a></th></tr>\n";
    if (listing.can_go_up) html += "<tr><td><a href=\"..\">Up</a></td><td></td><td></td></tr>\n";
    for (const auto& e : listing.entries) {
        std::tm tm{};
        ::gmtime_r(&e.modified.tv_sec, &tm);
        char when[32];
        std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        html += "<tr><td><a href=\"" + html_escape(e.url) + "\">" + html_escape(e.name) + "</a></td><td class=\"size\">" +
                (e.is_dir ? std::string("&mdash;") : human_size(e.size)) + "</td><td>" + when + "</td></tr>\n";
    }
    return html + "</table>\n</body>\n</html>\n";
}

std::string html_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&#34;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

} // namespace proxflow::file_server
