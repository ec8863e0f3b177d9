#include "modules/file_server/file_server.hpp"

#include "http/accept_encoding.hpp"
#include "http/field_lookup.hpp"
#include "http/percent_escape.hpp"
#include "http/request_context.hpp"
#include "http/response_filter.hpp"
#include "routing/response_writer.hpp"
#include "modules/file_server/conditional_request.hpp"
#include "modules/file_server/directory_listing.hpp"
#include "modules/file_server/mime_types.hpp"
#include "modules/file_server/served_path.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <random>

namespace proxflow {
namespace {

using namespace file_server;

// Reads of this size keep each blocking read short; the event loop runs between them.
constexpr std::size_t chunk_size = 64 * 1024;

// The value of one query parameter (undecoded), "" when absent.
std::string_view query_param(std::string_view target, std::string_view name) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return {};
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=') return pair.substr(name.size() + 1);
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return {};
}

// Go's path.Base.
std::string_view base_name(std::string_view p) {
    if (p.empty()) return ".";
    while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
    if (p == "/") return "/";
    const auto slash = p.rfind('/');
    return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

std::string base36(std::uint64_t v) {
    if (v == 0) return "0";
    std::string out;
    for (; v; v /= 36) out += "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
    std::reverse(out.begin(), out.end());
    return out;
}

// Caddy's calculateEtag: strong, from the modification time and size (not the content).
std::string etag_of(const struct stat& info) {
    return "\"" + base36(static_cast<std::uint64_t>(info.st_mtim.tv_sec)) + base36(static_cast<std::uint64_t>(info.st_size)) + "\"";
}

std::string hex_escape_non_ascii(std::string_view s) {
    return percent_escape_if(s, [](unsigned char c) { return c < 0x80; });
}

// Caddy's redirect (308) through Go's http.Redirect: no open redirect through "//", the path
// cleaned with its trailing slash kept, non-ASCII bytes escaped in Location, a small HTML body.
awaitable<void> redirect(RequestContext& ctx, std::string to) {
    while (to.starts_with("//")) to.erase(0, 1);
    const bool trailing = to.ends_with('/');
    to = clean_path(to);
    if (trailing && !to.ends_with('/')) to += '/';
    http::response<http::string_body> res{http::status::permanent_redirect, 11};
    res.set(http::field::location, hex_escape_non_ascii(to));
    const auto method = ctx.request().method();
    if (method == http::verb::get || method == http::verb::head) res.set(http::field::content_type, "text/html; charset=utf-8");
    if (method == http::verb::get) res.body() = "<a href=\"" + html_escape(to) + "\">Permanent Redirect</a>.\n\n";
    co_await write_response(ctx, res);
}

// Go's http.Error, which ServeContent answers bad ranges with.
awaitable<void> plain_error(RequestContext& ctx, http::response_header<>& header, unsigned status, std::string message) {
    http::response<http::string_body> res{std::move(header)};
    res.result(status);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set("X-Content-Type-Options", "nosniff");
    res.body() = std::move(message) + "\n";
    co_await write_response(ctx, res);
}

// Writes a header whose Content-Length already says how long the body is, and nothing else (HEAD, 304, 412).
awaitable<void> write_header_only(RequestContext& ctx, http::response_header<>&& header) {
    http::response<http::empty_body> res{std::move(header)};
    finalize_response_header(ctx, res.base());
    http::response_serializer<http::empty_body> sr{res};
    auto [ec, n] = co_await http::async_write_header(ctx.client, sr, use_nothrow);
    ctx.bytes_written += n;
    if (ec) ctx.close_connection = true;
}

// Go's multipart.Writer boundary: 30 random bytes in hex.
std::string multipart_boundary() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 60; ++i) out += hex[rng() % 16];
    return out;
}

struct FileCloser {
    int fd;
    ~FileCloser() {
        if (fd >= 0) ::close(fd);
    }
};

} // namespace

struct FileServer::Target {
    std::string request_path;  // decoded, as Go's URL.Path
    std::string original_path; // the path before any rewrite, decoded
    std::string root;
    std::string filename;
    struct stat info {};
    bool implicit_index = false;
    std::vector<std::string> hide;
};

namespace {

std::shared_ptr<metrics::CounterFamily> family(BuildContext& build, const std::string& name, const char* help) {
    return build.state.get_or_make<metrics::CounterFamily>(name, [&] { return std::make_shared<metrics::CounterFamily>(name, help); });
}

} // namespace

FileServer::FileServer(const FileServerConfig& c, BuildContext& build)
    : root_(c.root.empty() ? "{http.vars.root}" : c.root), browse_(c.browse.has_value()), canonical_uris_(c.canonical_uris.value_or(true)),
      status_code_(c.status_code), pass_thru_(c.pass_thru), precompressed_(c.precompressed), precompressed_order_(c.precompressed_order),
      files_family_(family(build, "proxflow_file_server_files_total", "Files served (whole or ranges), by root.")),
      bytes_family_(family(build, "proxflow_file_server_bytes_total", "File body bytes served, by root.")),
      files_served_(files_family_->counter({{"root", root_.text()}})),
      bytes_served_(bytes_family_->counter({{"root", root_.text()}})) {
    for (const auto& h : c.hide) hide_.emplace_back(h);
    for (const auto& i : c.index_names.empty() ? std::vector<std::string>{"index.html", "index.txt"} : c.index_names) index_names_.emplace_back(i);
}

awaitable<bool> FileServer::not_found(RequestContext& ctx) const {
    if (pass_thru_) co_return false;
    co_await write_error(ctx, http::status::not_found);
    co_return true;
}

awaitable<bool> FileServer::handle(RequestContext& ctx) const {
    Target t;
    const auto path = unescape_path(path_of(ctx.request().target()));
    if (!path) {
        co_await write_error(ctx, http::status::bad_request);
        co_return true;
    }
    t.request_path = *path;
    t.original_path = unescape_path(path_of(ctx.original_uri)).value_or(t.request_path);
    for (const auto& h : hide_) t.hide.push_back(hide_entry(h.render(ctx)));
    t.root = root_.render(ctx);
    if (t.root.empty()) t.root = ".";
    t.filename = sanitized_path_join(t.root, t.request_path);

    if (::stat(t.filename.c_str(), &t.info) != 0) {
        if (errno == EACCES) {
            co_await write_error(ctx, http::status::forbidden);
            co_return true;
        }
        co_return co_await not_found(ctx);
    }

    if (S_ISDIR(t.info.st_mode)) {
        for (const auto& index : index_names_) {
            const std::string candidate = sanitized_path_join(t.filename, index.render(ctx));
            struct stat index_info {};
            if (file_hidden(candidate, t.hide) || ::stat(candidate.c_str(), &index_info) != 0) continue;
            // The request path is left alone: the canonical redirect below looks at it as it was.
            t.info = index_info;
            t.filename = candidate;
            t.implicit_index = true;
            break;
        }
    }
    if (S_ISDIR(t.info.st_mode)) {
        if (browse_ && !file_hidden(t.filename, t.hide)) co_return co_await serve_directory(ctx, t);
        co_return co_await not_found(ctx);
    }
    if (file_hidden(t.filename, t.hide)) co_return co_await not_found(ctx);

    // Directories end in a slash and files do not, so relative links in pages resolve; unless a
    // rewrite changed the file name, which would make the redirect undo it (or loop).
    if (canonical_uris_ && base_name(t.original_path) == base_name(t.request_path)) {
        if (t.implicit_index && !t.original_path.ends_with('/')) {
            co_await redirect(ctx, t.original_path + "/");
            co_return true;
        }
        if (!t.implicit_index && t.original_path.ends_with('/')) {
            co_await redirect(ctx, t.original_path.substr(0, t.original_path.size() - 1));
            co_return true;
        }
    }
    co_return co_await serve_file(ctx, t);
}

awaitable<bool> FileServer::serve_directory(RequestContext& ctx, const Target& t) const {
    // Links in the listing are relative, so the directory's URL must end in a slash.
    if ((t.request_path.empty() || base_name(t.original_path) == base_name(t.request_path)) && !t.original_path.ends_with('/')) {
        co_await redirect(ctx, t.original_path + "/");
        co_return true;
    }
    DirectoryListing listing;
    if (!read_listing(t.filename, t.request_path, t.hide, listing)) {
        if (errno == ENOENT) co_return co_await not_found(ctx);
        co_await write_error(ctx, errno == EACCES ? http::status::forbidden : http::status::internal_server_error);
        co_return true;
    }
    const std::string_view target = ctx.request().target();
    sort_listing(listing, query_param(target, "sort"), query_param(target, "order"));

    std::string accept;
    for (auto [it, end] = ctx.request().equal_range(http::field::accept); it != end; ++it) accept += std::string(it->value()) + ",";
    std::transform(accept.begin(), accept.end(), accept.begin(), [](unsigned char c) { return std::tolower(c); });
    http::response<http::string_body> res{http::status::ok, 11};
    if (accept.find("application/json") != std::string::npos) {
        res.set(http::field::content_type, "application/json; charset=utf-8");
        res.body() = listing_json(listing);
    } else {
        res.set(http::field::content_type, "text/html; charset=utf-8");
        res.body() = listing_html(listing);
    }
    co_await write_response(ctx, res);
    co_return true;
}

awaitable<bool> FileServer::serve_file(RequestContext& ctx, const Target& t) const {
    http::response_header<> header;
    header.version(11);

    // A precompressed sidecar the client accepts is served in the file's place, with its own ETag.
    std::string etag = etag_of(t.info);
    int fd = -1;
    struct stat sent = t.info;
    if (!precompressed_.empty()) {
        const auto websocket = field_count(ctx.request(), http::field::sec_websocket_key) > 0;
        for (const auto& encoding :
             accepted_encodings(field_value(ctx.request(), http::field::accept_encoding), websocket, precompressed_order_, precompressed_)) {
            const Precompressor* p = find_precompressor(encoding);
            if (!p) continue;
            const std::string sidecar = t.filename + std::string(p->suffix);
            struct stat info {};
            if (::stat(sidecar.c_str(), &info) != 0 || S_ISDIR(info.st_mode)) continue;
            fd = ::open(sidecar.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) continue;
            sent = info;
            etag = etag_of(info);
            header.set(http::field::content_encoding, encoding);
            header.insert(http::field::vary, "Accept-Encoding");
            break;
        }
    }
    if (fd < 0) {
        fd = ::open(t.filename.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT) co_return co_await not_found(ctx);
            if (errno == EACCES) {
                co_await write_error(ctx, http::status::forbidden);
                co_return true;
            }
            // Out of file descriptors, perhaps: have clients come back a little later, spread out.
            static thread_local std::minstd_rand jitter{std::random_device{}()};
            http::response<http::string_body> res{http::status::service_unavailable, 11};
            res.set(http::field::retry_after, std::to_string(2 + jitter() % 3));
            co_await write_response(ctx, res);
            co_return true;
        }
    }
    FileCloser closer{fd};

    header.set(http::field::etag, etag);
    if (const std::string type = content_type_for(t.filename); !type.empty()) header.set(http::field::content_type, type);
    const std::time_t modified = t.info.st_mtim.tv_sec;
    header.set(http::field::last_modified, http_date(modified));

    unsigned status_override = 0;
    if (!status_code_.text().empty()) {
        const std::string code = status_code_.render(ctx);
        const auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), status_override);
        if (ec != std::errc() || end != code.data() + code.size() || status_override < 100 || status_override > 999) {
            co_await write_error(ctx, http::status::internal_server_error);
            co_return true;
        }
    }
    const auto with_status = [&](unsigned status) { return status_override ? status_override : status; };

    const auto& request = ctx.request();
    const ConditionalOutcome conditions = check_preconditions(request, etag, modified);
    if (conditions.result == Precondition::not_modified) {
        header.erase(http::field::content_type);
        header.erase(http::field::content_encoding);
        header.erase(http::field::last_modified);
        header.result(with_status(304));
        co_await write_header_only(ctx, std::move(header));
        co_return true;
    }
    if (conditions.result == Precondition::precondition_failed) {
        header.result(with_status(412));
        header.set(http::field::content_length, "0");
        co_await write_header_only(ctx, std::move(header));
        co_return true;
    }

    const std::uint64_t size = static_cast<std::uint64_t>(sent.st_size);
    const RangeRequest range =
        conditions.range_allowed ? parse_range(field_value(request, http::field::range), size) : RangeRequest{};
    if (range.status == RangeRequest::Status::invalid || range.status == RangeRequest::Status::no_overlap) {
        const bool no_overlap = range.status == RangeRequest::Status::no_overlap;
        if (no_overlap) header.set(http::field::content_range, "bytes */" + std::to_string(size));
        co_await plain_error(ctx, header, with_status(416), no_overlap ? "invalid range: failed to overlap" : "invalid range");
        co_return true;
    }
    // One range is a 206 of those bytes; several are a multipart/byteranges body of parts, each with
    // its own Content-Range (Go's ServeContent writes the same framing).
    std::vector<ByteRange> parts{ByteRange{0, size}};
    std::vector<std::string> preambles{""};
    std::string closing;
    unsigned status = 200;
    std::uint64_t length = size;
    if (range.status == RangeRequest::Status::ranges) {
        status = 206;
        parts = range.ranges;
        if (parts.size() == 1) {
            header.set(http::field::content_range, parts[0].content_range(size));
            length = parts[0].length;
        } else {
            const std::string boundary = multipart_boundary();
            const std::string type(field_value(header, http::field::content_type));
            preambles.clear();
            length = 0;
            for (const auto& part : parts) {
                preambles.push_back((preambles.empty() ? "--" : "\r\n--") + boundary + "\r\nContent-Range: " + part.content_range(size) +
                                    "\r\nContent-Type: " + type + "\r\n\r\n");
                length += preambles.back().size() + part.length;
            }
            closing = "\r\n--" + boundary + "--\r\n";
            length += closing.size();
            header.set(http::field::content_type, "multipart/byteranges; boundary=" + boundary);
        }
    }
    header.set(http::field::accept_ranges, "bytes");
    header.set(http::field::content_length, std::to_string(length));
    header.result(with_status(status));

    files_served_.fetch_add(1, std::memory_order_relaxed);
    if (request.method() == http::verb::head) {
        co_await write_header_only(ctx, std::move(header));
        co_return true;
    }
    finalize_response_header(ctx, header);
    ResponseBodyWriter body(ctx, header);
    if (length == 0) {
        co_await body.write({}, false, true);
        co_return true;
    }
    std::string chunk;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const bool last_part = i + 1 == parts.size();
        if (!preambles[i].empty() && !co_await body.write(preambles[i], false, false)) co_return true;
        std::uint64_t offset = parts[i].start, left = parts[i].length;
        while (left > 0) {
            chunk.resize(static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk_size)));
            const ssize_t n = ::pread(fd, chunk.data(), chunk.size(), static_cast<off_t>(offset));
            if (n <= 0) {
                // The file shrank or failed under us: the promised length cannot be kept, so the
                // connection ends and the client sees a short body.
                ctx.close_connection = true;
                co_return true;
            }
            offset += static_cast<std::uint64_t>(n);
            left -= static_cast<std::uint64_t>(n);
            bytes_served_.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
            const bool done = left == 0 && last_part && closing.empty();
            if (!co_await body.write(std::string_view(chunk.data(), static_cast<std::size_t>(n)), false, done)) co_return true;
        }
    }
    if (!closing.empty()) co_await body.write(closing, false, true);
    co_return true;
}

HandlerPtr make_file_server(ObjectReader& reader, BuildContext& build) {
    const FileServerConfig config = FileServerConfig::from_json(reader);
    if (config.browse && !config.browse->template_file.empty())
        throw ConfigError(reader.path_of("browse.template_file"),
                          "custom browse templates (Go templates) are not supported by ProxFlow yet; remove template_file for the built-in listing");
    return std::make_shared<FileServer>(config, build);
}

} // namespace proxflow
