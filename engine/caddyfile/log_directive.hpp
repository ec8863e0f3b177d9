#pragma once
#include "caddyfile/dispenser.hpp"
#include "caddyfile/site_address.hpp"

#include <nlohmann/json.hpp>

#include <set>
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
// Export: the top-level logging app holds only logs.
void check_logging_exportable(const nlohmann::json& logging);

// The global `log [name] { … }` option (d at `log`): appends {"name", "log"} to logs, an array in
// file order; an empty block is kept with an empty log (Caddy skips it but the name is taken).
void parse_global_log(Dispenser& d, nlohmann::json& logs);

// Export: the global `log` options for every log no site's `log` directive says (site_logs names
// those), and whether the `debug` option is what set the default log's DEBUG level. The default
// log's exclude list loses its tail of other logs' includes, which the adapter appends again.
struct GlobalLogs {
    bool debug = false;
    std::vector<std::string> lines;
};
GlobalLogs global_logs(const nlohmann::json& logging, const std::set<std::string>& site_logs);

} // namespace proxflow::caddyfile
