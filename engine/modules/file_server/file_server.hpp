#pragma once
// The `file_server` handler: serves static files from a root as Caddy 2.6.2's fileserver does.
#include "metrics/counter_family.hpp"
#include "module/build_context.hpp"
#include "module/handler.hpp"
#include "modules/file_server/file_server_config.hpp"
#include "routing/placeholder.hpp"

#include <atomic>
#include <cstdint>

namespace proxflow {

class FileServer final : public Handler {
public:
    FileServer(const FileServerConfig& config, BuildContext& build);
    awaitable<bool> handle(RequestContext& ctx) const override;

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
    // proxflow_file_server_files_total and _bytes_total for this root: file bodies, whole or in part
    // (not listings, redirects or 304s); the families live in the engine's UsagePool across reloads.
    std::shared_ptr<metrics::CounterFamily> files_family_, bytes_family_;
    std::atomic<std::uint64_t>& files_served_;
    std::atomic<std::uint64_t>& bytes_served_;
};

HandlerPtr make_file_server(ObjectReader& reader, BuildContext& build);

} // namespace proxflow
