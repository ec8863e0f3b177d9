#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace proxflow {

// When a log file rolls, as Caddy's FileWriter sets up lumberjack (its defaults: roll at 100 MB,
// gzip the old files, keep 10 of them for at most 90 days, UTC names).
struct RollPolicy {
    bool enabled = true;
    std::uint64_t max_bytes = 100'000'000;
    bool gzip = true;
    bool local_time = false;
    int keep = 10;       // 0: no limit by count
    int keep_days = 90;  // 0: no limit by age
    bool operator==(const RollPolicy&) const = default;
};

// An append-only log file shared by every thread and every log writing to its name. A line that
// would take the file past max_bytes first moves it aside as NAME-2006-01-02T15-04-05.000.EXT (as
// lumberjack names backups); gzip and pruning of old backups run on a thread of their own, so a
// roll costs a request one rename.
class RollingFile {
public:
    // One instance per file name in the process; an error names the file and why.
    static std::shared_ptr<RollingFile> open(const std::string& filename, const RollPolicy& policy);
    ~RollingFile();
    RollingFile(const RollingFile&) = delete;
    RollingFile& operator=(const RollingFile&) = delete;

    const RollPolicy& policy() const { return policy_; }
    void write(std::string_view line);

private:
    RollingFile(std::string filename, RollPolicy policy);
    bool still_at_its_name();
    void roll();
    void tidy_backups() const;

    const std::string filename_;
    const RollPolicy policy_;
    std::mutex mutex_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    std::thread tidier_; // the last roll's gzip and pruning
};

} // namespace proxflow
