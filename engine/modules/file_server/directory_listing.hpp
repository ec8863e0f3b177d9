#pragma once
// `browse`: a directory's entries as Caddy 2.6.2 lists them (browsetplcontext.go), as JSON for
// clients that accept application/json and as an HTML page otherwise.
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace proxflow::file_server {

struct ListingEntry {
    std::string name;     // a directory's name ends in '/'
    std::uint64_t size = 0;
    std::string url;      // "./" + the escaped name
    std::timespec modified{};
    std::uint32_t mode = 0; // Go's os.FileMode bits, as Caddy's JSON carries them
    bool is_dir = false;
    bool is_symlink = false;
};

struct DirectoryListing {
    std::string name; // the last element of the request path
    std::string path; // the request path
    bool can_go_up = false;
    std::vector<ListingEntry> entries;
};

// Reads directory dir (a file system path), leaving out names the hide list hides.
// Returns false when the directory cannot be read.
bool read_listing(const std::string& dir, std::string_view request_path, const std::vector<std::string>& hide,
                  DirectoryListing& out);

// Caddy's sort=name|namedirfirst|size|time and order=asc|desc (namedirfirst, asc by default).
void sort_listing(DirectoryListing& listing, std::string_view sort, std::string_view order);

// Caddy's JSON answer: the entries as an array, one object each, newline-terminated.
std::string listing_json(const DirectoryListing& listing);
// A self-contained HTML page with a link per entry.
std::string listing_html(const DirectoryListing& listing);

// Text for HTML element content and attribute values (Go's html.EscapeString).
std::string html_escape(std::string_view s);

} // namespace proxflow::file_server
