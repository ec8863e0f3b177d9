// The modules a Caddyfile names inside `tls` and `cert_issuer`: the acme, zerossl and internal
// issuers and the http certificate getter, read as their UnmarshalCaddyfile methods read them.
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
            d.fail("preferred_chains is not supported by ProxFlow yet (the CA's default chain is used)");
        } else if (is_dns_challenge_option(option)) {
            d.fail("'" + option + "': the DNS challenge is not supported by ProxFlow yet (it needs a DNS provider module)");
        } else {
            d.fail("unrecognized ACME issuer property: " + option);
        }
    }
}

} // namespace

bool is_acme_issuer(const json& issuer) {
    const std::string module = issuer.value("module", "");
    return module == "acme" || module == "zerossl";
}

bool is_dns_challenge_option(const std::string& name) {
    return name == "dns" || name == "resolvers" || name == "propagation_delay" || name == "propagation_timeout" ||
           name == "dns_challenge_override_domain";
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
