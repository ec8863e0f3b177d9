// The global options about certificates, as Caddy 2.6's options.go and pkiapp.go read them: email,
// acme_ca, acme_ca_root, acme_eab, preferred_chains, cert_issuer, local_certs, key_type, ocsp_stapling,
// on_demand_tls, storage, the check intervals, skip_install_trust and pki (acme_dns is refused as Caddy's
// standard build refuses it: no DNS provider module).
#include "caddyfile/tls_options.hpp"

#include "caddyfile/helper.hpp"
#include "caddyfile/tls_modules.hpp"

namespace proxflow::caddyfile {
namespace {

using json = nlohmann::json;

// Caddy's parseOptSingleString: exactly one token after the name.
std::string single_string(Dispenser& d) {
    if (!d.next()) d.wrong_args();
    std::string v = d.val();
    if (d.next()) d.wrong_args();
    return v;
}

std::string one_arg(Dispenser& d) {
    if (!d.next_arg()) d.wrong_args();
    return d.val();
}

json parse_acme_eab(Dispenser& d) {
    if (d.next_arg()) d.wrong_args();
    json eab = json::object();
    while (d.next_block(0)) {
        const std::string option = d.val();
        if (option == "key_id" || option == "mac_key") eab[option] = one_arg(d);
        else d.fail("unrecognized parameter '" + option + "'");
    }
    return eab;
}

json parse_on_demand(Dispenser& d) {
    if (d.next_arg()) d.wrong_args();
    json on_demand;
    while (d.next_block(0)) {
        const std::string option = d.val();
        if (option == "ask") {
            on_demand["ask"] = one_arg(d);
        } else if (option == "interval") {
            const auto interval = parse_caddy_duration(d, one_arg(d));
            json& limit = on_demand["rate_limit"];
            if (limit.is_null()) limit = json::object();
            if (interval != 0) limit["interval"] = interval;
            else limit.erase("interval");
        } else if (option == "burst") {
            const std::string v = one_arg(d);
            int burst = 0;
            try {
                std::size_t used = 0;
                burst = std::stoi(v, &used);
                if (used != v.size()) throw std::invalid_argument(v);
            } catch (const std::logic_error&) {
                d.fail("strconv.Atoi: parsing \"" + v + "\": invalid syntax");
            }
            json& limit = on_demand["rate_limit"];
            if (limit.is_null()) limit = json::object();
            if (burst != 0) limit["burst"] = burst;
            else limit.erase("burst");
        } else {
            d.fail("unrecognized parameter '" + option + "'");
        }
    }
    if (on_demand.is_null()) d.fail("expected at least one config parameter for on_demand_tls");
    return on_demand;
}

// storage file_system [<root>] { root <path> }: the only storage module ProxFlow has.
json parse_storage(Dispenser& d) {
    if (!d.next()) d.wrong_args();
    const std::string module = d.val();
    if (module != "file_system") d.fail("storage module '" + module + "' is not supported by ProxFlow yet (file_system)");
    std::string root;
    if (d.next_arg()) root = d.val();
    if (d.next_arg()) d.wrong_args();
    for (const int nesting = d.nesting(); d.next_block(nesting);) {
        if (d.val() != "root") d.fail("unrecognized parameter '" + d.val() + "'");
        if (!d.next_arg()) d.wrong_args();
        if (!root.empty()) d.fail("root already set");
        root = d.val();
        if (d.next_arg()) d.wrong_args();
    }
    if (root.empty()) d.fail("missing root path (to use default, omit storage config entirely)");
    return {{"module", "file_system"}, {"root", root}};
}

// root|intermediate { cert <file>; key <file>; format <format> }: a CA's key pair (Caddy's KeyPair).
void parse_key_pair(Dispenser& d, const std::string& which, json& pair) {
    if (pair.is_null()) pair = json::object();
    for (const int nesting = d.nesting(); d.next_block(nesting);) {
        const std::string option = d.val();
        if (option == "cert") pair["certificate"] = one_arg(d);
        else if (option == "key") pair["private_key"] = one_arg(d);
        else if (option == "format") pair["format"] = one_arg(d);
        else d.fail("unrecognized pki ca " + which + " option '" + option + "'");
    }
}

// pki { ca [<id>] { name, root_cn, intermediate_cn, root { ... }, intermediate { ... } } }
json parse_pki(Dispenser& d) {
    json cas = json::object();
    while (d.next_block(0)) {
        if (d.val() != "ca") d.fail("unrecognized pki option '" + d.val() + "'");
        std::string id = "local";
        if (d.next_arg()) {
            id = d.val();
            if (d.next_arg()) d.wrong_args();
        }
        json ca = json::object();
        for (const int nesting = d.nesting(); d.next_block(nesting);) {
            const std::string option = d.val();
            if (option == "name") ca["name"] = one_arg(d);
            else if (option == "root_cn") ca["root_common_name"] = one_arg(d);
            else if (option == "intermediate_cn") ca["intermediate_common_name"] = one_arg(d);
            else if (option == "root" || option == "intermediate") parse_key_pair(d, option, ca[option]);
            else d.fail("unrecognized pki ca option '" + option + "'");
        }
        cas[id] = ca; // a later `ca` with the same id replaces the earlier one, as in Caddy's map
    }
    return cas;
}

} // namespace

bool parse_tls_option(const std::string& name, Dispenser& d, TlsOptions& tls) {
    if (name == "email") tls.email = single_string(d);
    else if (name == "acme_ca") tls.acme_ca = single_string(d);
    else if (name == "acme_ca_root") tls.acme_ca_root = single_string(d);
    else if (name == "key_type") tls.key_type = single_string(d);
    else if (name == "acme_eab") tls.acme_eab = parse_acme_eab(d);
    else if (name == "cert_issuer") {
        if (!d.next_arg()) d.wrong_args();
        tls.cert_issuers.push_back(parse_issuer(d));
    } else if (name == "local_certs") tls.local_certs = true;
    else if (name == "skip_install_trust") tls.skip_install_trust = true;
    else if (name == "ocsp_stapling") {
        const std::string v = single_string(d);
        if (v != "off") d.fail("invalid argument '" + v + "'");
        tls.ocsp_stapling_off = true;
    } else if (name == "on_demand_tls") tls.on_demand = parse_on_demand(d);
    else if (name == "storage") tls.storage = parse_storage(d);
    else if (name == "renew_interval" || name == "ocsp_interval" || name == "storage_clean_interval") {
        if (!d.next()) d.wrong_args();
        const auto value = parse_caddy_duration(d, d.val());
        (name == "renew_interval" ? tls.renew_interval : name == "ocsp_interval" ? tls.ocsp_interval : tls.storage_clean_interval) = value;
    } else if (name == "preferred_chains") tls.preferred_chains = parse_preferred_chains(d);
    else if (name == "pki") tls.pki = parse_pki(d);
    else if (name == "acme_dns") {
        if (!d.next()) d.wrong_args();
        refuse_dns_provider(d);
    } else return false;
    return true;
}

} // namespace proxflow::caddyfile
