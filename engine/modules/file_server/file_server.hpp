#pragma once
// The `file_server` handler: serves static files from a root as Caddy 2.6.2's fileserver does.
#include "module/handler.hpp"
#include "modules/file_server/file_server_config.hpp"
#include "routing/placeholder.hpp"

#include <atomic>
#include <cstdint>

namespace proxflow {

class FileServer final : public Handler {
public:
    explicit FileServer(const FileServerConfig& config);
    awaitable<bool> handle(RequestContext& ctx) const override;

    // What this handler served while its config was live: whole or partial file bodies (not
    // listings, redirects or 304s) and their body bytes. Read by module metrics.
    struct Counters {
        std::atomic<std::uint64_t> files_served{0};
        std::atomic<std::uint64_t> bytes_served{0};
    };
    const Counters& counters() const { return counters_; }

private:
    struct Target; // one request's resolved file
    awaitable<bool> not_found(RequestContext& ctx) const;
    awaitable<bool> serve_directory(RequestContext& ctx, const Target& t) const;
    awaitable<bool> serve_file(RequestContext& ctx, const Target& t) const;

    Template root_;
    std::vector<Template> hide_;
    std::vector<Template> index_names_;
    bool browse_ = false;
    bool canonical_uris_ = true;
    Template status_code_;
    bool pass_thru_ = false;
    std::vector<std::string> precompressed_, precompressed_order_;
    mutable Counters counters_;
};

HandlerPtr make_file_server(ObjectReader& reader, BuildContext& build);

} // namespace proxflow
