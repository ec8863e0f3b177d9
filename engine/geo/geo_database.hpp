#pragma once
#include <boost/asio/ip/address.hpp>

#include <memory>
#include <optional>
#include <string>

struct MMDB_s;

namespace proxflow {

// A MaxMind-format country database (GeoLite2-Country, DB-IP, or the bundled ip-location-db one),
// memory-mapped by libmaxminddb; lookups are read-only and safe from every engine thread.
class GeoDatabase {
public:
    // Throws ConfigError (at path) when the file cannot be opened as a MaxMind database.
    static std::shared_ptr<GeoDatabase> open(const std::string& file, const std::string& path);
    // The bundled database: $PROXFLOW_GEO_DB, else share/proxflow/ beside the executable, else
    // /usr/share/proxflow/. Null when none is installed.
    static std::shared_ptr<GeoDatabase> open_default();
    ~GeoDatabase();

    // ISO 3166 alpha-2 code ("DE"), or nothing when the database has no entry.
    std::optional<std::string> country(const boost::asio::ip::address& address) const;
    const std::string& file() const { return file_; }

private:
    GeoDatabase() = default;
    std::unique_ptr<MMDB_s> db_;
    std::string file_;
};

} // namespace proxflow
