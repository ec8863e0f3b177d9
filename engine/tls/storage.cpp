#include "tls/storage.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace proxflow::tls {

std::filesystem::path Storage::default_root() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "proxflow";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local" / "share" / "proxflow";
    return std::filesystem::path("./proxflow-data");
}

Storage Storage::from_json(const json* value, const std::string& path) {
    if (!value) return Storage(default_root());
    ObjectReader r(*value, path);
    const auto module = r.string("module");
    if (module != "file_system")
        throw ConfigError(r.path_of("module"), "storage module \"" + module + "\" is not supported by ProxFlow yet (only file_system)");
    const auto root = r.string("root");
    r.finish();
    return Storage(root.empty() ? default_root() : std::filesystem::path(root));
}

std::optional<std::string> Storage::load(std::string_view key) const {
    std::ifstream in(path_of(key), std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream data;
    data << in.rdbuf();
    return data.str();
}

void Storage::store(std::string_view key, std::string_view data, bool secret) const {
    const auto target = path_of(key);
    std::error_code ec;
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) throw std::runtime_error("cannot create " + target.parent_path().string() + ": " + ec.message());
    const auto temp = target.string() + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, secret ? 0600 : 0644);
    if (fd < 0) throw std::runtime_error("cannot write " + temp + ": " + std::strerror(errno));
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            throw std::runtime_error("cannot write " + temp + ": " + why);
        }
        done += static_cast<std::size_t>(n);
    }
    ::fsync(fd);
    ::close(fd);
    std::filesystem::rename(temp, target, ec);
    if (ec) throw std::runtime_error("cannot write " + target.string() + ": " + ec.message());
}

std::string Storage::safe_key(std::string_view name) {
    std::string out;
    for (char c : name) {
        const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (l == '*') out += "wildcard_";
        else if (l == ':') out += '-';
        else if (l == '/' || l == '\\' || l == ' ') out += '_';
        else out += l;
    }
    if (out == "." || out == "..") out = "_";
    return out;
}

} // namespace proxflow::tls
