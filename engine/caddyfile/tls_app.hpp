#pragma once
#include "caddyfile/helper.hpp"
#include "caddyfile/options.hpp"
#include "caddyfile/site_address.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace proxflow::caddyfile {

// A site block as it appears on one server: its keys there and what its directives produced.
struct TlsSite {
    const std::vector<SiteAddress>* keys;
    const std::map<std::string, std::vector<ConfigValue>>* pile;
    const Token* where; // the block's first key, for errors
};

// One server: its listen addresses and its sites, most specific first.
struct TlsServer {
    std::vector<std::string> listen;
    std::vector<TlsSite> sites;
};

// The TLS connection policies of one server, as Caddy's serversFromPairings makes them (each site's
// `tls` policy matched by SNI on its hosts, a catch-all, consolidated). The policies are the sites'
// own objects, which a later server may still edit: turn them into JSON only when every server is
// built. Throws AdaptError when HTTP and HTTPS sites conflict on the server.
std::vector<std::shared_ptr<json>> server_connection_policies(const TlsServer& server, const Options& options);

// apps.tls as Caddy's buildTLSApp makes it (automation policies built, merged, deduplicated and
// ordered; certificate loaders; on-demand and interval options); null when nothing is set.
json build_tls_app(const std::vector<TlsServer>& servers, const Options& options);

// apps.pki from the pki and skip_install_trust options; null when empty.
// directive_cas: the CAs `acme_server` directives name, in site order (the option's own come first).
json build_pki_app(const Options& options, const std::vector<std::string>& directive_cas);

} // namespace proxflow::caddyfile
