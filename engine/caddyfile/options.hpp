#pragma once
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace proxflow::caddyfile {

// The global options about certificates (Caddy's email, acme_ca, cert_issuer, storage, pki ...).
// Each optional is unset when the option is absent, as Caddy tells "absent" from "empty".
struct TlsOptions {
    std::optional<std::string> email, acme_ca, acme_ca_root, key_type;
    nlohmann::json acme_eab;                 // null: unset
    nlohmann::json preferred_chains;         // null: unset
    std::vector<std::shared_ptr<nlohmann::json>> cert_issuers; // cert_issuer lines, in order
    bool local_certs = false, skip_install_trust = false, ocsp_stapling_off = false;
    nlohmann::json on_demand;                // automation.on_demand; null: unset
    std::optional<std::int64_t> renew_interval, ocsp_interval, storage_clean_interval;
    nlohmann::json storage;                  // the top-level storage module; null: unset
    nlohmann::json pki;                      // pki { ca ... }: id -> CA; null: unset
};

// The global options block, evaluated.
struct Options {
    std::optional<int> http_port, https_port;
    std::optional<std::int64_t> grace_period, shutdown_delay;
    std::vector<std::string> order;            // the directive order, after any `order` options
    std::vector<std::string> default_bind;
    std::string auto_https = "on";
    bool debug = false;
    std::string default_sni;
    nlohmann::json admin;      // null: not set
    nlohmann::json servers;    // per-listener server options: array of {listener, options}
    nlohmann::json logs = nlohmann::json::array(); // global `log` options in file order: [{name, log}]
    nlohmann::json apps = nlohmann::json::object(); // ProxFlow's own apps (traffic_metrics ...): name -> JSON
    TlsOptions tls;

    int http() const { return http_port.value_or(80); }
    int https() const { return https_port.value_or(443); }
};

class Dispenser;

// A module app's global option (module/caddyfile_registry.cpp supplies these from the module list):
// parsed into apps[name], false when no module has an app of that name; and the app's JSON as
// global option lines, nullopt when no module has it.
bool parse_module_global_option(const std::string& name, Dispenser& d, nlohmann::json& apps);
std::optional<std::vector<std::string>> write_module_app(const std::string& name, const nlohmann::json& app,
                                                         const std::string& path);

} // namespace proxflow::caddyfile
