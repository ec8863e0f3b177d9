#pragma once
#include "caddyfile/site_address.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace proxflow::caddyfile {

// The hosts a site's access log is keyed by (Caddy's hostsFromKeys in logger mode): a port written
// in the address, other than 80 and 443, stays with its host. Sorted, each once.
std::vector<std::string> log_hosts(const std::vector<SiteAddress>& keys);

// Export: the `log` directive of a site, as lines ("log", or "log {" … "}"), or none when the
// server's logs leave the site out; name is the log's ("log3"), empty for the default logger.
// Throws ExportError for logs a Caddyfile cannot say.
struct SiteLog {
    std::string name;
    std::vector<std::string> lines;
};
SiteLog site_log(const nlohmann::json& server_logs, const nlohmann::json& logging, const std::vector<SiteAddress>& keys,
                 const std::string& path);
// Export: the top-level logging app must hold only what site `log` directives make.
void check_logging_exportable(const nlohmann::json& logging);

} // namespace proxflow::caddyfile
