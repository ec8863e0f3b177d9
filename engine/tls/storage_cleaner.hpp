#pragma once
// certmagic's CleanStorage, as Caddy runs it: at start and every `storage_clean_interval` (default
// 24 h), certificates that expired more than 14 days ago are deleted with their key and metadata
// (and their folder once empty), and so are OCSP answers past their nextUpdate or unreadable.
#include "module/periodic_task.hpp"
#include "tls/storage.hpp"

#include <chrono>
#include <memory>

namespace proxflow::tls {

class StorageCleaner final : public PeriodicTask {
public:
    static constexpr std::chrono::hours default_interval{24};
    static constexpr std::chrono::hours expired_grace{24 * 14};

    StorageCleaner(Storage storage, asio::io_context& background) : PeriodicTask(background), storage_(std::move(storage)) {}

    void set_interval(std::chrono::nanoseconds every) { interval_ = every; }
    // One pass over the storage, now.
    void clean() const;

private:
    awaitable<std::chrono::steady_clock::time_point> round() override;
    void clean_certificates() const;
    void clean_ocsp_staples() const;

    Storage storage_;
    std::chrono::nanoseconds interval_ = default_interval;
};

} // namespace proxflow::tls
