#pragma once
// The server fields Caddy's global `servers` option sets (timeouts, max_header_size, protocols,
// strict_sni_host, listener_wrappers, metrics, log_credentials), written back as that option.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace proxflow::caddyfile {

// Whether a server's field is one the `servers` option writes.
bool is_servers_option_field(const std::string& key);

// The global-option lines for every server's `servers` fields: one block for all servers when they
// share the same ones, else one per server named by its first listen address (as the adapter
// matches them). Throws ExportError for a field value the option cannot write.
std::vector<std::string> servers_option_lines(const nlohmann::json& servers);

// The server's `logs` without should_log_credentials (null when nothing else was in it), for the
// site `log` directives: log_credentials belongs to the `servers` option.
nlohmann::json logs_without_credentials_flag(const nlohmann::json& server);

} // namespace proxflow::caddyfile
