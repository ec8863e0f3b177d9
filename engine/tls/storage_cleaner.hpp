#pragma once
// certmagic's CleanStorage, as Caddy runs it: at start and every `storage_clean_interval` (default
// 24 h), certificates that expired more than 14 days ago are deleted with their key and metadata
// (and their folder once empty), and so are OCSP answers past their nextUpdate or unreadable.
#include "core/build_context.hpp"
#include "tls/storage.hpp"

#include <chrono>
#include <memory>

namespace proxflow::tls {

class StorageCleaner final : public BackgroundTask, public std::enable_shared_from_this<StorageCleaner> {
public:
    static constexpr std::chrono::hours default_interval{24};
    static constexpr std::chrono::hours expired_grace{24 * 14};

    StorageCleaner(Storage storage, asio::io_context& background) : storage_(std::move(storage)), io_(background), timer_(background) {}

    void set_interval(std::chrono::nanoseconds every) { interval_ = every; }
    // One pass over the storage, now.
    void clean() const;

    void start() override;
    void stop() override;

private:
    void clean_certificates() const;
    void clean_ocsp_staples() const;
    awaitable<void> run(std::shared_ptr<StorageCleaner> self);

    Storage storage_;
    asio::io_context& io_;
    asio::steady_timer timer_;
    std::chrono::nanoseconds interval_ = default_interval;
    bool stopped_ = false;
};

} // namespace proxflow::tls
