#include "logging/rolling_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <vector>

namespace proxflow {
namespace {

namespace fs = std::filesystem;

// lumberjack's backup time format, "2006-01-02T15-04-05.000": it sorts as it reads.
std::string backup_time(std::chrono::system_clock::time_point when, bool local) {
    const auto seconds = std::chrono::system_clock::to_time_t(when);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count() % 1000;
    std::tm tm{};
    if (local) localtime_r(&seconds, &tm);
    else gmtime_r(&seconds, &tm);
    char text[40];
    const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H-%M-%S", &tm);
    std::snprintf(text + n, sizeof text - n, ".%03d", static_cast<int>(millis));
    return text;
}

struct BackupName {
    std::string prefix; // "access-"
    std::string ext;    // ".log"
};

BackupName backup_name_of(const std::string& filename) {
    const fs::path path(filename);
    return {path.stem().string() + "-", path.extension().string()};
}

// The backup's time when name is one of this file's backups ("access-<time>.log[.gz]"), else "".
std::string time_of_backup(const std::string& name, const BackupName& b) {
    std::string rest = name;
    if (rest.ends_with(".gz")) rest.resize(rest.size() - 3);
    if (!rest.starts_with(b.prefix) || !rest.ends_with(b.ext)) return {};
    std::string when = rest.substr(b.prefix.size(), rest.size() - b.prefix.size() - b.ext.size());
    return when.size() == 23 && when[10] == 'T' ? when : std::string{};
}

bool gzip_file(const fs::path& from) {
    const fs::path to = from.string() + ".gz";
    const fs::path partial = to.string() + ".tmp";
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return false;
    gzFile out = gzopen(partial.c_str(), "wb");
    bool ok = out != nullptr;
    char buffer[1 << 16];
    for (ssize_t n; ok && (n = ::read(in, buffer, sizeof buffer)) > 0;) ok = gzwrite(out, buffer, static_cast<unsigned>(n)) == n;
    ::close(in);
    if (out && gzclose(out) != Z_OK) ok = false;
    std::error_code ec;
    if (ok) fs::rename(partial, to, ec);
    if (!ok || ec) {
        fs::remove(partial, ec);
        return false;
    }
    fs::remove(from, ec);
    return true;
}

std::mutex registry_mutex;
std::map<std::string, std::weak_ptr<RollingFile>> registry;

} // namespace

std::shared_ptr<RollingFile> RollingFile::open(const std::string& filename, const RollPolicy& policy) {
    std::lock_guard lock(registry_mutex);
    if (auto it = registry.find(filename); it != registry.end())
        if (auto existing = it->second.lock(); existing && existing->policy() == policy && existing->still_at_its_name())
            return existing;
    // A reload that changes the roll settings, or comes after the file was moved away (logrotate),
    // gets a new writer; the old one lives as long as the old config.
    std::shared_ptr<RollingFile> file(new RollingFile(filename, policy));
    registry[filename] = file;
    return file;
}

RollingFile::RollingFile(std::string filename, RollPolicy policy) : filename_(std::move(filename)), policy_(policy) {
    fd_ = ::open(filename_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot open " + filename_ + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) == 0) size_ = static_cast<std::uint64_t>(st.st_size);
}

bool RollingFile::still_at_its_name() {
    std::lock_guard lock(mutex_);
    struct stat on_disk {}, open {};
    return ::stat(filename_.c_str(), &on_disk) == 0 && ::fstat(fd_, &open) == 0 && on_disk.st_dev == open.st_dev &&
           on_disk.st_ino == open.st_ino;
}

RollingFile::~RollingFile() {
    if (tidier_.joinable()) tidier_.join();
    if (fd_ >= 0) ::close(fd_);
}

void RollingFile::write(std::string_view line) {
    std::lock_guard lock(mutex_);
    if (policy_.enabled && size_ > 0 && size_ + line.size() > policy_.max_bytes) roll();
    if (fd_ < 0) return;
    const auto n = ::write(fd_, line.data(), line.size());
    if (n > 0) size_ += static_cast<std::uint64_t>(n);
}

void RollingFile::roll() {
    const BackupName b = backup_name_of(filename_);
    const fs::path dir = fs::path(filename_).parent_path();
    const fs::path backup = dir / (b.prefix + backup_time(std::chrono::system_clock::now(), policy_.local_time) + b.ext);
    std::error_code ec;
    fs::rename(filename_, backup, ec);
    const int fresh = ::open(filename_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    // If the new file cannot be made, lines keep going to the old descriptor rather than nowhere.
    if (fresh < 0) return;
    ::close(fd_);
    fd_ = fresh;
    size_ = 0;
    if (tidier_.joinable()) tidier_.join();
    tidier_ = std::thread([this] { tidy_backups(); });
}

// lumberjack's millRun: drop backups past the count and the age, then gzip what is left.
void RollingFile::tidy_backups() const {
    const BackupName b = backup_name_of(filename_);
    fs::path dir = fs::path(filename_).parent_path();
    if (dir.empty()) dir = ".";
    std::vector<std::pair<std::string, fs::path>> backups; // (time, path)
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string when = time_of_backup(entry.path().filename().string(), b);
        if (!when.empty() && entry.is_regular_file(ec)) backups.emplace_back(when, entry.path());
    }
    std::sort(backups.begin(), backups.end(), std::greater<>());
    const std::string cutoff = policy_.keep_days > 0
                                   ? backup_time(std::chrono::system_clock::now() - std::chrono::hours(24 * policy_.keep_days), policy_.local_time)
                                   : std::string{};
    for (std::size_t i = 0; i < backups.size(); ++i) {
        const auto& [when, path] = backups[i];
        const bool too_many = policy_.keep > 0 && i >= static_cast<std::size_t>(policy_.keep);
        const bool too_old = !cutoff.empty() && when < cutoff;
        if (too_many || too_old) fs::remove(path, ec);
        else if (policy_.gzip && path.extension() != ".gz") gzip_file(path);
    }
}

} // namespace proxflow
