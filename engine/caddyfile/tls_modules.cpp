// The modules a Caddyfile names inside `tls` and `cert_issuer`: the acme, zerossl and internal
// issuers (with preferred_chains and the DNS challenge's options) and the http certificate getter, read as their UnmarshalCaddyfile methods read them.
#include "caddyfile/tls_modules.hpp"

#include "caddyfile/helper.hpp"

namespace proxflow::caddyfile {
namespace {

using json = nlohmann::json;

std::string one_arg(Dispenser& d) {
    if (!d.next_arg()) d.wrong_args();
    std::string v = d.val();
    if (d.next_arg()) d.wrong_args();
    return v;
}

int port_number(Dispenser& d) {
    if (!d.next_arg()) d.wrong_args();
    const std::string v = d.val();
    try {
        std::size_t used = 0;
        const int port = std::stoi(v, &used);
        if (used == v.size()) return port;
    } catch (const std::logic_error&) {
    }
    d.fail("invalid port " + v);
}


// challenges.dns of an ACME issuer, made on first use (Caddy allocates it in each DNS subdirective).
json& dns_challenge(json& issuer) {
    json& dns = issuer["challenges"]["dns"];
    if (dns.is_null()) dns = json::object();
    return dns;
}

// The ACME issuer's block (shared by acme and zerossl), into issuer.
void parse_acme_block(Dispenser& d, json& issuer) {
    const auto challenge = [&](const char* which) -> json& {
        json& c = issuer["challenges"][which];
        if (c.is_null()) c = json::object();
        return c;
    };
    while (d.next_block(0)) {
        const std::string option = d.val();
        if (option == "dir") {
            if (issuer.contains("ca")) d.fail("directory is already specified: " + issuer["ca"].get<std::string>());
            issuer["ca"] = one_arg(d);
        } else if (option == "test_dir") {
            issuer["test_ca"] = one_arg(d);
        } else if (option == "email") {
            issuer["email"] = one_arg(d);
        } else if (option == "timeout") {
            if (const auto timeout = parse_caddy_duration(d, one_arg(d)); timeout != 0) issuer["acme_timeout"] = timeout;
        } else if (option == "disable_http_challenge" || option == "disable_tlsalpn_challenge") {
            if (d.next_arg()) d.wrong_args();
            challenge(option == "disable_http_challenge" ? "http" : "tls-alpn")["disabled"] = true;
        } else if (option == "alt_http_port" || option == "alt_tlsalpn_port") {
            const int port = port_number(d);
            json& c = challenge(option == "alt_http_port" ? "http" : "tls-alpn");
            if (port != 0) c["alternate_port"] = port;
        } else if (option == "eab") {
            const auto args = d.remaining_args();
            if (args.size() != 2) d.wrong_args();
            issuer["external_account"] = {{"key_id", args[0]}, {"mac_key", args[1]}};
        } else if (option == "trusted_roots") {
            const auto roots = d.remaining_args();
            if (roots.empty()) issuer.erase("trusted_roots_pem_files");
            else issuer["trusted_roots_pem_files"] = roots;
        } else if (option == "preferred_chains") {
            issuer["preferred_chains"] = parse_preferred_chains(d);
        } else if (option == "dns") {
            if (!d.next_arg()) d.wrong_args();
            refuse_dns_provider(d);
        } else if (option == "propagation_delay" || option == "propagation_timeout") {
            if (!d.next_arg()) d.wrong_args();
            const std::string text = d.val();
            const std::int64_t value = option == "propagation_timeout" && text == "-1" ? -1 : parse_caddy_duration(d, text);
            json& dns = dns_challenge(issuer);
            if (value != 0) dns[option] = value;
            else dns.erase(option);
        } else if (option == "resolvers" || option == "dns_challenge_override_domain") {
            parse_dns_challenge_option(d, issuer);
        } else {
            d.fail("unrecognized ACME issuer property: " + option);
        }
    }
}

} // namespace

json parse_preferred_chains(Dispenser& d) {
    json chains = json::object();
    if (d.next_arg()) {
        if (d.val() != "smallest") d.fail("Invalid argument '" + d.val() + "'");
        chains["smallest"] = true;
        if (d.next_arg()) d.wrong_args();
        if (d.next_block(d.nesting())) d.fail("No more options are accepted when using the 'smallest' option");
    }
    for (const int nesting = d.nesting(); d.next_block(nesting);) {
        const std::string option = d.val();
        if (option != "root_common_name" && option != "any_common_name") d.fail("Received unrecognized parameter '" + option + "'");
        const auto names = d.remaining_args();
        if (names.empty()) d.wrong_args();
        chains[option] = names;
        const char* other = option == "root_common_name" ? "any_common_name" : "root_common_name";
        if (chains.contains(other)) d.fail("Can't set " + option + " when " + other + " is already set");
    }
    if (chains.empty()) d.fail("No options for preferred_chains received");
    return chains;
}

void refuse_dns_provider(const Dispenser& d) {
    // Caddy 2.6.2's standard build has no dns.providers module either, so it refuses the same line.
    d.fail("getting module named 'dns.providers." + d.val() + "': module not registered: dns.providers." + d.val() +
           " (the DNS challenge needs a DNS provider module, which neither ProxFlow nor Caddy's standard build has)");
}

void parse_dns_challenge_option(Dispenser& d, json& issuer) {
    const std::string option = d.val();
    const auto args = d.remaining_args();
    if (option == "resolvers") {
        if (args.empty()) d.wrong_args();
        dns_challenge(issuer)["resolvers"] = args;
    } else {
        if (args.size() != 1) d.wrong_args();
        dns_challenge(issuer)["override_domain"] = args[0];
    }
}

bool is_acme_issuer(const json& issuer) {
    const std::string module = issuer.value("module", "");
    return module == "acme" || module == "zerossl";
}

Issuer parse_issuer(Dispenser& outer) {
    Dispenser d(outer.take_segment(), outer.directive());
    d.next();
    const std::string module = d.val();
    auto issuer = std::make_shared<json>(json{{"module", module}});
    if (module == "acme") {
        if (d.next_arg()) {
            (*issuer)["ca"] = d.val();
            if (d.next_arg()) d.wrong_args();
        }
        parse_acme_block(d, *issuer);
    } else if (module == "zerossl") {
        if (d.next_arg()) {
            (*issuer)["api_key"] = d.val();
            if (d.next_arg()) d.wrong_args();
        }
        parse_acme_block(d, *issuer);
    } else if (module == "internal") {
        // Caddy's internal issuer ignores arguments and subdirectives it does not know.
        while (d.next_arg()) {
        }
        while (d.next_block(0)) {
            const std::string option = d.val();
            if (option == "ca") (*issuer)["ca"] = one_arg(d);
            else if (option == "lifetime") {
                if (!d.next_arg()) d.wrong_args();
                if (const auto lifetime = parse_caddy_duration(d, d.val()); lifetime != 0) (*issuer)["lifetime"] = lifetime;
            } else if (option == "sign_with_root") {
                if (d.next_arg()) d.wrong_args();
                (*issuer)["sign_with_root"] = true;
            }
        }
    } else {
        d.fail("certificate issuer '" + module + "' is not supported by ProxFlow (acme, zerossl, internal)");
    }
    return issuer;
}

json parse_certificate_manager(Dispenser& outer) {
    Dispenser d(outer.take_segment(), outer.directive());
    d.next();
    const std::string module = d.val();
    if (module == "tailscale") d.fail("get_certificate tailscale is not supported by ProxFlow yet");
    if (module != "http") d.fail("get_certificate module '" + module + "' is not supported by ProxFlow (http)");
    const std::string url = one_arg(d);
    if (d.next_block(0)) d.fail("block not allowed here");
    return {{"via", "http"}, {"url", url}};
}

} // namespace proxflow::caddyfile
