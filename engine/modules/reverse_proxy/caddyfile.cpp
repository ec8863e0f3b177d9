// `reverse_proxy` in Caddyfile form (Caddy's reverseproxy.Handler.UnmarshalCaddyfile), with its
// subdirectives and `transport http { ... }`.
#include "modules/reverse_proxy/caddyfile.hpp"

#include "caddyfile/directives.hpp"
#include "caddyfile/matchers.hpp"
#include "config/object_reader.hpp"
#include "http/ip_range.hpp"
#include "modules/reverse_proxy/circuit_breaker_config.hpp"
#include "modules/reverse_proxy/dynamic_upstreams_config.hpp"
#include "modules/reverse_proxy/fastcgi_transport_config.hpp"
#include "modules/reverse_proxy/health_checks_config.hpp"
#include "modules/reverse_proxy/load_balancing_config.hpp"
#include "modules/reverse_proxy/transport_config.hpp"
#include "modules/reverse_proxy/response_handling_directive.hpp"
#include "modules/reverse_proxy/upstream_address.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>

namespace proxflow::caddyfile {
namespace {

// The optional part a subdirective writes into, made (empty, as Caddy's `new(T)`) by the first one.
// Emplaced from a value: clang rejects emplace() of a nested struct with member initializers.
template <class T>
T& ensure(std::optional<T>& part) {
    return part ? *part : part.emplace(T{});
}

int to_int(const Dispenser& d, const std::string& text, const char* what) {
    try {
        std::size_t used = 0;
        const int value = std::stoi(text, &used);
        if (used == text.size()) return value;
    } catch (...) {
    }
    d.fail(std::string("bad ") + what + " '" + text + "'");
}

// A field Caddy tags omitempty: its zero value (0 or "") leaves the key out, even after an earlier line set it.
void set_omitempty(json& object, const char* key, json value) {
    if (value == 0 || value == "") object.erase(key);
    else object[key] = std::move(value);
}

// `transport fastcgi { ... }` (Caddy's fastcgi.Transport.UnmarshalCaddyfile), as the config struct's
// JSON, which leaves out zero values as Caddy's omitempty does.
json parse_fastcgi_transport(Dispenser& d) {
    FastcgiTransportConfig t;
    auto arg = [&]() -> std::string {
        if (!d.next_arg()) d.wrong_args();
        return d.val();
    };
    auto timeout = [&]() {
        const std::string value = arg();
        try {
            return proxflow::parse_duration(json(value), "");
        } catch (const ConfigError& e) {
            d.fail("bad timeout value " + value + ": " + e.what());
        }
    };
    auto flag = [&](bool& field) {
        if (d.next_arg()) d.wrong_args();
        field = true;
    };
    while (d.next_block(1)) {
        const std::string option = d.val();
        if (option == "root") t.root = arg();
        else if (option == "split") {
            t.split_path = d.remaining_args();
            if (t.split_path.empty()) d.wrong_args();
        } else if (option == "env") {
            const auto args = d.remaining_args();
            if (args.size() != 2) d.wrong_args();
            t.env[args[0]] = args[1];
        } else if (option == "resolve_root_symlink") flag(t.resolve_root_symlink);
        else if (option == "dial_timeout") t.dial_timeout = timeout();
        else if (option == "read_timeout") t.read_timeout = timeout();
        else if (option == "write_timeout") t.write_timeout = timeout();
        else if (option == "capture_stderr") flag(t.capture_stderr);
        else d.fail("unrecognized subdirective " + option);
    }
    return t.to_json();
}

// `transport http { ... }` (Caddy's HTTPTransport UnmarshalCaddyfile), as its JSON.
json parse_transport(Dispenser& d) {
    HttpTransportConfig t;
    auto arg = [&]() -> std::string {
        if (!d.next_arg()) d.wrong_args();
        return d.val();
    };
    auto duration = [&] { return std::chrono::nanoseconds(parse_caddy_duration(d, arg())); };
    auto tls = [&]() -> HttpTransportConfig::Tls& { return ensure(t.tls); };
    auto keep_alive = [&]() -> HttpTransportConfig::KeepAlive& { return ensure(t.keep_alive); };
    while (d.next_block(1)) {
        const std::string option = d.val();
        if (option == "read_buffer") t.read_buffer_size = parse_size(d, arg());
        else if (option == "write_buffer") t.write_buffer_size = parse_size(d, arg());
        else if (option == "max_response_header") t.max_response_header_size = parse_size(d, arg());
        else if (option == "read_timeout") t.read_timeout = duration();
        else if (option == "write_timeout") t.write_timeout = duration();
        else if (option == "dial_timeout") t.dial_timeout = duration();
        else if (option == "dial_fallback_delay") t.dial_fallback_delay = duration();
        else if (option == "response_header_timeout") t.response_header_timeout = duration();
        else if (option == "expect_continue_timeout") t.expect_continue_timeout = duration();
        else if (option == "resolvers") t.resolver = ResolverConfig{.addresses = d.remaining_args()};
        else if (option == "tls") tls();
        else if (option == "tls_client_auth") {
            const auto args = d.remaining_args();
            if (args.size() == 1) tls().client_certificate_automate = args[0];
            else if (args.size() == 2) {
                tls().client_certificate_file = args[0];
                tls().client_certificate_key_file = args[1];
            } else d.wrong_args();
        } else if (option == "tls_insecure_skip_verify") tls().insecure_skip_verify = true;
        else if (option == "tls_server_name") tls().server_name = arg();
        else if (option == "tls_renegotiation") tls().renegotiation = arg();
        else if (option == "tls_except_ports") tls().except_ports = d.remaining_args();
        else if (option == "tls_timeout") tls().handshake_timeout = duration();
        else if (option == "tls_trusted_ca_certs") tls().root_ca_pem_files = d.remaining_args();
        else if (option == "keepalive") {
            const std::string v = arg();
            if (v == "off") keep_alive().enabled = false;
            else keep_alive().idle_timeout = std::chrono::nanoseconds(parse_caddy_duration(d, v));
        } else if (option == "keepalive_interval") keep_alive().probe_interval = duration();
        else if (option == "keepalive_idle_conns") keep_alive().max_idle_conns = to_int(d, arg(), "integer value");
        else if (option == "keepalive_idle_conns_per_host")
            keep_alive().max_idle_conns_per_host = to_int(d, arg(), "integer value");
        else if (option == "versions") {
            t.versions = d.remaining_args();
            if (t.versions.empty()) d.wrong_args();
        } else if (option == "compression") {
            if (d.next_arg() && d.val() == "off") t.compression = false;
        } else if (option == "max_conns_per_host") t.max_conns_per_host = to_int(d, arg(), "integer value");
        else d.fail("unrecognized subdirective " + option);
    }
    return t.to_json();
}

// "503" is that status; "5xx" is the class, written as its digit.
int status_or_class(const Dispenser& d, const std::string& v) {
    return to_int(d, v.size() == 3 && v.ends_with("xx") ? v.substr(0, 1) : v, "status value");
}

// Checks the JSON a block has written so far with the config's own validation, so an error names the
// line (and the block's directive) that made it.
template <class Config>
Config checked(const Dispenser& d, const json& value, const std::string& directive) {
    try {
        return Config::from_json(value, "");
    } catch (const ConfigError& e) {
        d.fail(directive + ": " + e.what());
    }
}

double to_number(const Dispenser& d, const std::string& text, const char* what) {
    try {
        std::size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size()) return value;
    } catch (...) {
    }
    d.fail(std::string("bad ") + what + " '" + text + "'");
}

// `lb_policy adaptive { history_length; update_interval; alpha }`, each line checked as it is read.
SelectionPolicyConfig parse_adaptive_policy(Dispenser& d) {
    json policy = {{"policy", "adaptive"}};
    for (int nesting = d.nesting(); d.next_block(nesting);) {
        const std::string option = d.val();
        if (!d.next_arg()) d.wrong_args();
        const std::string value = d.val();
        if (d.next_arg()) d.wrong_args();
        if (option == "history_length") policy[option] = to_int(d, value, "history_length");
        else if (option == "update_interval") policy[option] = parse_caddy_duration(d, value);
        else if (option == "alpha") policy[option] = to_number(d, value, "alpha");
        else d.fail("unrecognized adaptive option '" + option + "'");
        checked<SelectionPolicyConfig>(d, policy, "lb_policy adaptive");
    }
    return checked<SelectionPolicyConfig>(d, policy, "lb_policy adaptive");
}

// `circuit_breaker intelligent { failure_threshold; recovery_timeout; half_open_max_requests;
// latency_threshold; min_requests; evaluation_window; ramp_up_duration; failure_status }`.
json parse_circuit_breaker(Dispenser& d) {
    if (!d.next_arg()) d.fail("circuit_breaker needs a type (ProxFlow has 'intelligent')");
    const std::string type = d.val();
    if (type != "intelligent") d.fail("unknown circuit breaker type '" + type + "' (ProxFlow has 'intelligent')");
    if (d.next_arg()) d.wrong_args();
    json breaker = {{"type", type}};
    for (int nesting = d.nesting(); d.next_block(nesting);) {
        const std::string option = d.val();
        auto args = d.remaining_args();
        if (args.empty() || (option != "failure_status" && args.size() > 1)) d.wrong_args();
        if (option == "failure_threshold") breaker[option] = to_number(d, args[0], "failure_threshold");
        else if (option == "half_open_max_requests" || option == "min_requests") breaker[option] = to_int(d, args[0], option.c_str());
        else if (option == "recovery_timeout" || option == "latency_threshold" || option == "evaluation_window" ||
                 option == "ramp_up_duration")
            breaker[option] = parse_caddy_duration(d, args[0]);
        else if (option == "failure_status") {
            json& statuses = breaker[option] = json::array();
            for (const auto& v : args) statuses.push_back(status_or_class(d, v));
        } else d.fail("unrecognized circuit_breaker option '" + option + "'");
        checked<CircuitBreakerConfig>(d, breaker, "circuit_breaker");
    }
    return checked<CircuitBreakerConfig>(d, breaker, "circuit_breaker").to_json();
}

SelectionPolicyConfig parse_selection_policy(Dispenser& d) {
    SelectionPolicyConfig policy;
    policy.policy = d.val();
    const std::string& name = policy.policy;
    if (name == "random_choose") {
        if (!d.next_arg()) d.wrong_args();
        policy.choose = to_int(d, d.val(), "choose value");
    } else if (name == "header") {
        if (!d.next_arg()) d.wrong_args();
        policy.field = d.val();
    } else if (name == "query") {
        if (!d.next_arg()) d.wrong_args();
        policy.key = d.val();
    } else if (name == "cookie") {
        if (d.next_arg()) policy.name = d.val();
        if (d.next_arg()) policy.secret = d.val();
    } else if (name == "weighted_round_robin") {
        for (const auto& w : d.remaining_args()) policy.weights.push_back(to_int(d, w, "weight"));
    } else if (const auto& known = selection_policy_names(); std::find(known.begin(), known.end(), name) == known.end()) {
        d.fail("unknown load-balancing policy '" + name + "'");
    }
    if (d.next_arg()) d.wrong_args();
    if (name == "adaptive") return parse_adaptive_policy(d);
    return policy;
}

// A header_up/header_down line into ops (Caddy's CaddyfileHeaderOp, request side: no '?').
void header_op(Dispenser& d, json& ops, const std::vector<std::string>& args) {
    if (args.empty() || args.size() > 3) d.wrong_args();
    apply_header_op(d, ops, nullptr, args[0], args.size() > 1 ? args[1] : "", args.size() > 2 ? args[2] : "");
}

// `dynamic a|srv ...` (Caddy's AUpstreams / SRVUpstreams UnmarshalCaddyfile): into the config struct,
// whose JSON leaves out zero values as Caddy's omitempty does; a field counts as given once non-empty.
json parse_dynamic_upstreams(Dispenser& d) {
    DynamicUpstreamsConfig c;
    c.source = d.val();
    if (c.source != "a" && c.source != "srv") {
        if (c.source == "multi") d.fail("dynamic upstreams source 'multi' is not supported by ProxFlow yet");
        d.fail("unknown dynamic upstreams source '" + c.source + "'");
    }
    const auto args = d.remaining_args();
    if (args.size() > (c.source == "a" ? 2u : 1u)) d.wrong_args();
    if (!args.empty()) c.name = args[0];
    if (args.size() == 2) c.port = args[1];
    auto arg = [&]() -> std::string {
        if (!d.next_arg()) d.wrong_args();
        return d.val();
    };
    auto once = [&](std::string& field, const char* error) {
        const std::string value = arg();
        if (!field.empty()) d.fail(error);
        field = value;
    };
    auto duration_of = [&](const char* what) {
        const std::string value = arg();
        try {
            return proxflow::parse_duration(json(value), "");
        } catch (const ConfigError&) {
            d.fail(std::string(what) + " '" + value + "'");
        }
    };
    const bool srv = c.source == "srv";
    for (int nesting = d.nesting(); d.next_block(nesting);) {
        const std::string option = d.val();
        if (srv && option == "service") once(c.service, "srv service has already been specified");
        else if (srv && option == "proto") once(c.proto, "srv proto has already been specified");
        else if (option == "name") once(c.name, srv ? "srv name has already been specified" : "a name has already been specified");
        else if (!srv && option == "port") once(c.port, "a port has already been specified");
        else if (option == "refresh") c.refresh = duration_of("parsing refresh interval duration: bad duration");
        else if (option == "resolvers") {
            auto addresses = d.remaining_args();
            if (addresses.empty()) d.fail("must specify at least one resolver address");
            c.resolver = ResolverConfig{addresses};
        } else if (option == "dial_timeout") c.dial_timeout = duration_of("bad timeout value");
        else if (option == "dial_fallback_delay") c.dial_fallback_delay = duration_of("bad delay value");
        else d.fail("unrecognized srv option '" + option + "'");
    }
    return c.to_json();
}

} // namespace

json parse_reverse_proxy_segment(Helper& h, json handler) {
    Dispenser& d = h.d;
    ResponseHandling responses;
    json upstreams = json::array();
    // Caddy's upstreams share one transport, so they must share one scheme.
    std::string common_scheme;
    auto add_upstream = [&](const std::string& address) {
        UpstreamAddress up;
        try {
            up = parse_upstream_address(address);
        } catch (const std::invalid_argument& e) {
            d.fail(e.what());
        }
        if (!common_scheme.empty() && up.scheme != common_scheme)
            d.fail("for now, all proxy upstreams must use the same scheme (transport protocol); expecting '" + common_scheme +
                   "://' but got '" + up.scheme + "://'");
        common_scheme = up.scheme;
        upstreams.push_back({{up.lookup_srv ? "lookup_srv" : "dial", up.dial}});
    };
    json transport; // what a `transport` line set; a transport preset in handler (php_fastcgi's) stays unless one is needed
    for (const auto& up : d.remaining_args()) add_upstream(up);
    LoadBalancingConfig lb;
    HealthChecksConfig health;
    auto active = [&]() -> HealthChecksConfig::Active& { return ensure(health.active); };
    auto passive = [&]() -> HealthChecksConfig::Passive& { return ensure(health.passive); };
    // method and rewrite make the rewrite object even when they leave it empty, as Caddy's do.
    auto rewrite = [&]() -> json& {
        json& r = handler["rewrite"];
        if (r.is_null()) r = json::object();
        return r;
    };
    auto arg = [&]() -> std::string {
        if (!d.next_arg()) d.wrong_args();
        return d.val();
    };
    while (d.next_block(0)) {
        const std::string sub = d.val();
        if (responses.take(d, handler)) continue;
        if (sub == "to") {
            auto args = d.remaining_args();
            if (args.empty()) d.wrong_args();
            for (const auto& up : args) add_upstream(up);
        } else if (sub == "lb_policy") {
            if (!d.next_arg()) d.wrong_args();
            if (lb.selection_policy) d.fail("load balancing selection policy already specified");
            lb.selection_policy = parse_selection_policy(d);
        } else if (sub == "circuit_breaker") {
            if (handler.contains("circuit_breaker")) d.fail("circuit breaker already specified");
            handler["circuit_breaker"] = parse_circuit_breaker(d);
        } else if (sub == "lb_retries") lb.retries = to_int(d, arg(), "lb_retries number");
        else if (sub == "lb_try_duration") lb.try_duration = std::chrono::nanoseconds(parse_caddy_duration(d, arg()));
        else if (sub == "lb_try_interval") lb.try_interval = std::chrono::nanoseconds(parse_caddy_duration(d, arg()));
        else if (sub == "lb_retry_match") {
            Tokens block = d.take_block();
            if (block.empty()) {
                // Inline form: "lb_retry_match path /bar*".
                auto rest = d.remaining_args();
                Tokens line;
                const Token& at = d.token();
                for (const auto& a : rest) line.push_back(Token{a, at.file, at.line, false, 0, line.empty()});
                block = line;
            } else {
                block.front().line_break = true;
            }
            lb.retry_match.value.push_back(parse_matcher_set(block));
        } else if (sub == "health_uri") active().uri = arg();
        else if (sub == "health_path") active().path = arg();
        else if (sub == "health_port") active().port = to_int(d, arg(), "port number");
        else if (sub == "health_headers") {
            auto& headers = active().headers;
            for (int nesting = d.nesting(); d.next_block(nesting);) {
                const std::string key = d.val();
                auto values = d.remaining_args();
                if (values.empty()) values.push_back("");
                headers[key] = values;
            }
        } else if (sub == "health_interval") active().interval = std::chrono::nanoseconds(parse_caddy_duration(d, arg()));
        else if (sub == "health_timeout") active().timeout = std::chrono::nanoseconds(parse_caddy_duration(d, arg()));
        else if (sub == "health_status") active().expect_status = status_or_class(d, arg());
        else if (sub == "health_body") active().expect_body = arg();
        else if (sub == "max_fails") passive().max_fails = to_int(d, arg(), "maximum fail count");
        else if (sub == "fail_duration") passive().fail_duration = std::chrono::nanoseconds(parse_caddy_duration(d, arg()));
        else if (sub == "unhealthy_request_count")
            passive().unhealthy_request_count = to_int(d, arg(), "maximum connection count");
        else if (sub == "unhealthy_status") {
            auto args = d.remaining_args();
            if (args.empty()) d.wrong_args();
            for (const auto& v : args) passive().unhealthy_status.push_back(status_or_class(d, v));
        } else if (sub == "unhealthy_latency")
            passive().unhealthy_latency = std::chrono::nanoseconds(parse_caddy_duration(d, arg()));
        else if (sub == "flush_interval") {
            const std::string v = arg();
            try {
                std::size_t used = 0;
                const long long n = std::stoll(v, &used);
                if (used != v.size()) throw std::invalid_argument(v);
                set_omitempty(handler, "flush_interval", n);
            } catch (const std::exception&) {
                set_omitempty(handler, "flush_interval", parse_caddy_duration(d, v));
            }
        } else if (sub == "buffer_requests") handler["buffer_requests"] = true;
        else if (sub == "buffer_responses") handler["buffer_responses"] = true;
        else if (sub == "max_buffer_size") set_omitempty(handler, "max_buffer_size", parse_size(d, arg()));
        else if (sub == "trusted_proxies") {
            for (const auto& v : d.remaining_args()) {
                if (v == "private_ranges")
                    for (const auto& range : private_ranges()) handler["trusted_proxies"].push_back(range);
                else handler["trusted_proxies"].push_back(v);
            }
        } else if (sub == "header_up") {
            header_op(d, handler["headers"]["request"], d.remaining_args());
        } else if (sub == "header_down") {
            header_op(d, handler["headers"]["response"], d.remaining_args());
        } else if (sub == "method") {
            set_omitempty(rewrite(), "method", arg());
            if (d.next_arg()) d.wrong_args();
        } else if (sub == "rewrite") {
            set_omitempty(rewrite(), "uri", arg());
            if (d.next_arg()) d.wrong_args();
        } else if (sub == "transport") {
            const std::string name = arg();
            if (handler.contains("transport")) d.fail("transport already specified");
            if (name == "http") transport = parse_transport(d);
            else if (name == "fastcgi") transport = parse_fastcgi_transport(d);
            else d.fail("transport '" + name + "' is not supported by ProxFlow yet");
        } else if (sub == "dynamic") {
            if (!d.next_arg()) d.wrong_args();
            if (handler.contains("dynamic_upstreams")) d.fail("dynamic upstreams already specified");
            handler["dynamic_upstreams"] = parse_dynamic_upstreams(d);
        } else {
            d.fail("unrecognized subdirective " + sub);
        }
    }
    // As Caddy: https and h2c upstreams need an http transport (made when none was written), which the
    // scheme then sets up; it replaces a preset transport, and an empty one is left out.
    if ((common_scheme == "https" || common_scheme == "h2c") && transport.is_null()) transport = {{"protocol", "http"}};
    if (!transport.is_null()) {
        if (transport["protocol"] == "http") {
            if (common_scheme == "https" && !transport.contains("tls")) transport["tls"] = json::object();
            if (common_scheme == "http" && transport.contains("tls"))
                d.fail("upstream address scheme is HTTP but transport is configured for HTTP+TLS (HTTPS)");
            if (common_scheme == "h2c") transport["versions"] = {"h2c", "2"};
        } else if (common_scheme == "https") {
            d.fail("upstreams are configured for HTTPS but transport module does not support TLS: *fastcgi.Transport");
        }
        if (transport != json{{"protocol", "http"}}) handler["transport"] = transport;
    }
    if (lb != LoadBalancingConfig{}) handler["load_balancing"] = lb.to_json();
    if (health != HealthChecksConfig{}) handler["health_checks"] = health.to_json();
    if (!upstreams.empty()) handler["upstreams"] = upstreams;
    responses.finish(h, handler);
    return handler;
}

} // namespace proxflow::caddyfile
