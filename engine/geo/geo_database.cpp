#include "geo/geo_database.hpp"

#include "config/config_error.hpp"

#include <maxminddb.h>

#include <cstring>
#include <filesystem>
#include <netinet/in.h>
#include <unistd.h>

namespace proxflow {

std::shared_ptr<GeoDatabase> GeoDatabase::open(const std::string& file, const std::string& path) {
    std::shared_ptr<GeoDatabase> db(new GeoDatabase);
    db->db_ = std::make_unique<MMDB_s>();
    const int status = MMDB_open(file.c_str(), MMDB_MODE_MMAP, db->db_.get());
    if (status != MMDB_SUCCESS) {
        db->db_.reset();
        throw ConfigError(path, "cannot open geo database " + file + ": " + MMDB_strerror(status));
    }
    db->file_ = file;
    return db;
}

std::shared_ptr<GeoDatabase> GeoDatabase::open_default() {
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("PROXFLOW_GEO_DB")) candidates.emplace_back(env);
    char exe[4096];
    const auto n = ::readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        const fs::path dir = fs::path(std::string(exe, static_cast<std::size_t>(n))).parent_path();
        candidates.push_back(dir / "../share/proxflow/geo-whois-asn-country.mmdb");
    }
    candidates.emplace_back("/usr/share/proxflow/geo-whois-asn-country.mmdb");
    for (const auto& candidate : candidates) {
        std::error_code ec;
        if (!fs::exists(candidate, ec)) continue;
        try {
            return open(candidate.lexically_normal().string(), "");
        } catch (const ConfigError&) {
            continue;
        }
    }
    return nullptr;
}

GeoDatabase::~GeoDatabase() {
    if (db_) MMDB_close(db_.get());
}

std::optional<std::string> GeoDatabase::country(const boost::asio::ip::address& address) const {
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (address.is_v4()) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
        sin->sin_family = AF_INET;
        const auto bytes = address.to_v4().to_bytes();
        std::memcpy(&sin->sin_addr, bytes.data(), bytes.size());
        length = sizeof(sockaddr_in);
    } else {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
        sin6->sin6_family = AF_INET6;
        const auto bytes = address.to_v6().to_bytes();
        std::memcpy(&sin6->sin6_addr, bytes.data(), bytes.size());
        length = sizeof(sockaddr_in6);
    }
    (void)length;
    int error = 0;
    MMDB_lookup_result_s result = MMDB_lookup_sockaddr(db_.get(), reinterpret_cast<sockaddr*>(&storage), &error);
    if (error != MMDB_SUCCESS || !result.found_entry) return std::nullopt;
    MMDB_entry_data_s data;
    // GeoLite2 and DB-IP lay it out as country.iso_code; ip-location-db as a flat country_code.
    if (MMDB_get_value(&result.entry, &data, "country", "iso_code", nullptr) != MMDB_SUCCESS || !data.has_data)
        if (MMDB_get_value(&result.entry, &data, "country_code", nullptr) != MMDB_SUCCESS || !data.has_data)
            return std::nullopt;
    if (data.type != MMDB_DATA_TYPE_UTF8_STRING) return std::nullopt;
    return std::string(data.utf8_string, data.data_size);
}

} // namespace proxflow
