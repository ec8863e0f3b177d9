#include "tls/storage_cleaner.hpp"

#include "tls/ocsp.hpp"
#include "tls/pem.hpp"
#include "logging/log_line.hpp"

#include <map>
#include <mutex>

namespace proxflow::tls {
namespace {

namespace fs = std::filesystem;
using SystemClock = std::chrono::system_clock;

// As Caddy: a reload does not clean again a storage cleaned less than an interval ago.
std::mutex last_clean_mutex;
std::map<fs::path, std::chrono::steady_clock::time_point> last_clean;

void remove_file(const fs::path& file, const char* why) {
    std::error_code ec;
    if (!fs::remove(file, ec) && ec) {
        log_line("error", "tls.storage_clean", "cannot delete", {{"file", file.string()}, {"error", ec.message()}});
        return;
    }
    if (!ec) log_line("info", "tls.storage_clean", why, {{"file", file.string()}});
}

} // namespace

// certificates/<issuer>/<name>/<name>.crt, .key, .json
void StorageCleaner::clean_certificates() const {
    std::error_code ec;
    const auto root = storage_.path_of("certificates");
    const auto now = SystemClock::now();
    for (const auto& issuer : fs::directory_iterator(root, ec)) {
        if (!issuer.is_directory()) continue;
        for (const auto& site : fs::directory_iterator(issuer.path(), ec)) {
            if (!site.is_directory()) continue;
            for (const auto& asset : fs::directory_iterator(site.path(), ec)) {
                if (asset.path().extension() != ".crt") continue;
                const auto pem = storage_.load(fs::relative(asset.path(), storage_.root()).string());
                if (!pem) continue;
                SystemClock::time_point not_after;
                try {
                    not_after = to_time_point(X509_get0_notAfter(certificates_from_pem(*pem).front().get()));
                } catch (const PemError& e) {
                    log_line("error", "tls.storage_clean", "unreadable certificate", {{"file", asset.path().string()}, {"error", e.what()}});
                    continue; // not ours to judge: left alone, as certmagic does
                }
                if (now - not_after < expired_grace) continue;
                auto base = asset.path();
                for (const char* ext : {".crt", ".key", ".json"}) remove_file(base.replace_extension(ext), "deleted expired certificate");
            }
            if (fs::is_empty(site.path(), ec)) fs::remove(site.path(), ec);
        }
    }
}

void StorageCleaner::clean_ocsp_staples() const {
    std::error_code ec;
    const auto now = SystemClock::now();
    for (const auto& entry : fs::directory_iterator(storage_.path_of("ocsp"), ec)) {
        if (!entry.is_regular_file()) continue;
        const auto der = storage_.load(fs::relative(entry.path(), storage_.root()).string());
        if (!der) continue;
        try {
            const auto staple = parse_ocsp_response(*der);
            // No nextUpdate is certmagic's zero time: as stale as can be.
            if (staple.next_update.time_since_epoch().count() == 0 || staple.expired(now))
                remove_file(entry.path(), "deleted expired OCSP staple");
        } catch (const OcspError&) {
            remove_file(entry.path(), "deleted unreadable OCSP staple");
        }
    }
}

void StorageCleaner::clean() const {
    {
        std::lock_guard lock(last_clean_mutex);
        const auto now = std::chrono::steady_clock::now();
        auto [it, fresh] = last_clean.try_emplace(storage_.root(), now);
        if (!fresh && now - it->second < interval_) return;
        it->second = now;
    }
    clean_ocsp_staples();
    clean_certificates();
    log_line("info", "tls.storage_clean", "finished cleaning storage units", {{"storage", storage_.root().string()}});
}

awaitable<std::chrono::steady_clock::time_point> StorageCleaner::round() {
    clean();
    co_return std::chrono::steady_clock::now() + interval_;
}

} // namespace proxflow::tls
