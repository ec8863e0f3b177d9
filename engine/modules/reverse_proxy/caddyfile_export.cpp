// reverse_proxy back into its Caddyfile directive: upstreams on the line, every other field a
// subdirective, response matchers and handle_response blocks last.
#include "modules/reverse_proxy/caddyfile.hpp"

#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"
#include "config/object_reader.hpp"
#include "modules/reverse_proxy/reverse_proxy_config.hpp"
#include "modules/reverse_proxy/upstream_address.hpp"

#include <optional>
#include <sstream>
#include <stdexcept>

namespace proxflow::caddyfile {
namespace {

using nlohmann::json;

void write_response_matcher(Writer& w, const std::string& name, const json& m, const std::string& path) {
    w.open(name);
    for (auto it = m.begin(); it != m.end(); ++it) {
        const std::string p = path + "." + it.key();
        if (it.key() == "status_code") {
            std::string line = "status";
            for (const auto& code : it.value()) line += " " + (code.get<int>() < 10 ? str(code) + "xx" : str(code));
            w.line(line);
        } else if (it.key() == "headers") {
            for (int absent = 1; absent >= 0; --absent)
                for (auto f = it.value().begin(); f != it.value().end(); ++f) {
                    if (f.value().is_null() != static_cast<bool>(absent)) continue;
                    if (canonical_header_key(f.key()) != f.key())
                        throw ExportError(p + "." + f.key(), "a response matcher's field reads back as "" + canonical_header_key(f.key()) + """);
                    if (absent) w.line("header !" + quote(f.key()));
                    else if (f.value().empty()) throw ExportError(p + "." + f.key(), "a field that only has to be present has no Caddyfile form in a response matcher");
                    for (const auto& v : f.value()) w.line("header " + quote(f.key()) + " " + quote(str(v)));
                }
        } else {
            throw ExportError(p, "response matcher '" + it.key() + "' has no Caddyfile form");
        }
    }
    w.close();
}

// Caddy reads response matchers, replace_status and handle_response back in one order: the
// replace_status entries, then the handle_response ones, then those without a matcher moved last.
void write_response_handlers(Writer& w, const json& entries, const std::string& path) {
    const auto rank = [](const json& e) { return (e.contains("match") ? 0 : 2) + (e.contains("status_code") ? 0 : 1); };
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string p = index_path(path, i);
        if (entries[i].contains("status_code") && entries[i].contains("routes"))
            throw ExportError(p, "an entry with both a status code and routes has no Caddyfile form");
        if (i > 0 && rank(entries[i]) < rank(entries[i - 1]))
            throw ExportError(p, "this order does not read back from a Caddyfile, where replace_status entries come first and "
                                 "entries without a matcher last");
    }
    std::vector<std::string> names(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (!entries[i].contains("match")) continue;
        names[i] = " @r" + std::to_string(i);
        write_response_matcher(w, names[i].substr(1), entries[i]["match"], index_path(path, i) + ".match");
    }
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (entries[i].contains("status_code")) w.line("replace_status" + names[i] + " " + quote(str(entries[i]["status_code"])));
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].contains("status_code")) continue;
        if (!entries[i].contains("routes")) {
            w.line("handle_response" + names[i]);
            continue;
        }
        w.open("handle_response" + names[i]);
        write_routes(w, entries[i]["routes"], index_path(path, i) + ".routes");
        w.close();
    }
}

std::string words(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += " " + quote(v);
    return out;
}

void dynamic_upstream_lines(const DynamicUpstreamsConfig& d, std::vector<std::string>& body) {
    body.push_back("dynamic " + d.source + " {");
    if (d.dial_fallback_delay.count()) body.push_back("\tdial_fallback_delay " + format_duration(d.dial_fallback_delay));
    if (d.dial_timeout.count()) body.push_back("\tdial_timeout " + format_duration(d.dial_timeout));
    if (!d.name.empty()) body.push_back("\tname " + quote(d.name));
    if (!d.port.empty()) body.push_back("\tport " + quote(d.port));
    if (!d.proto.empty()) body.push_back("\tproto " + quote(d.proto));
    if (d.refresh.count()) body.push_back("\trefresh " + format_duration(d.refresh));
    if (d.resolver) body.push_back("\tresolvers" + words(d.resolver->addresses));
    if (!d.service.empty()) body.push_back("\tservice " + quote(d.service));
    body.push_back("}");
}

// Caddy makes the active and the passive checks on the first subdirective that writes into them, so
// one present but empty is written as a subdirective with a zero value (as is keep_alive, below).
void health_check_lines(const HealthChecksConfig& checks, std::vector<std::string>& body) {
    if (const auto& a = checks.active) {
        if (*a == HealthChecksConfig::Active{}) body.push_back("health_interval 0");
        if (!a->uri.empty()) body.push_back("health_uri " + quote(a->uri));
        if (!a->path.empty()) body.push_back("health_path " + quote(a->path));
        if (a->port) body.push_back("health_port " + std::to_string(a->port));
        if (a->interval.count()) body.push_back("health_interval " + format_duration(a->interval));
        if (a->timeout.count()) body.push_back("health_timeout " + format_duration(a->timeout));
        if (a->expect_status) body.push_back("health_status " + std::to_string(a->expect_status));
        if (!a->expect_body.empty()) body.push_back("health_body " + quote(a->expect_body));
        if (!a->headers.empty()) {
            body.push_back("health_headers {");
            for (const auto& [name, values] : a->headers)
                // A field with one empty value is written bare: Caddy reads a bare field as [""].
                body.push_back("\t" + quote(name) + (values == std::vector<std::string>{""} ? "" : words(values)));
            body.push_back("}");
        }
    }
    if (const auto& p = checks.passive) {
        if (*p == HealthChecksConfig::Passive{}) body.push_back("fail_duration 0");
        if (p->fail_duration.count()) body.push_back("fail_duration " + format_duration(p->fail_duration));
        if (p->max_fails) body.push_back("max_fails " + std::to_string(p->max_fails));
        if (p->unhealthy_request_count) body.push_back("unhealthy_request_count " + std::to_string(p->unhealthy_request_count));
        if (!p->unhealthy_status.empty()) {
            std::string line = "unhealthy_status";
            for (int s : p->unhealthy_status) line += " " + std::to_string(s);
            body.push_back(line);
        }
        if (p->unhealthy_latency.count()) body.push_back("unhealthy_latency " + format_duration(p->unhealthy_latency));
    }
}

// A status list as unhealthy_status reads it: classes as "5xx".
std::string status_words(const std::vector<int>& statuses) {
    std::string out;
    for (int s : statuses) out += " " + (s < 10 ? std::to_string(s) + "xx" : std::to_string(s));
    return out;
}

// A block of "\tname value" lines after head, or head alone when there are none.
void block_lines(const std::string& head, const std::vector<std::string>& lines, std::vector<std::string>& body) {
    if (lines.empty()) {
        body.push_back(head);
        return;
    }
    body.push_back(head + " {");
    for (const auto& l : lines) body.push_back("\t" + l);
    body.push_back("}");
}

void circuit_breaker_lines(const CircuitBreakerConfig& cb, std::vector<std::string>& body) {
    const CircuitBreakerConfig defaults;
    std::vector<std::string> lines;
    if (cb.failure_threshold != defaults.failure_threshold) lines.push_back("failure_threshold " + json(cb.failure_threshold).dump());
    if (cb.recovery_timeout != defaults.recovery_timeout) lines.push_back("recovery_timeout " + format_duration(cb.recovery_timeout));
    if (cb.half_open_max_requests != defaults.half_open_max_requests)
        lines.push_back("half_open_max_requests " + std::to_string(cb.half_open_max_requests));
    if (cb.latency_threshold != defaults.latency_threshold) lines.push_back("latency_threshold " + format_duration(cb.latency_threshold));
    if (cb.min_requests != defaults.min_requests) lines.push_back("min_requests " + std::to_string(cb.min_requests));
    if (cb.evaluation_window != defaults.evaluation_window) lines.push_back("evaluation_window " + format_duration(cb.evaluation_window));
    if (cb.ramp_up_duration != defaults.ramp_up_duration) lines.push_back("ramp_up_duration " + format_duration(cb.ramp_up_duration));
    if (cb.failure_status != defaults.failure_status) lines.push_back("failure_status" + status_words(cb.failure_status));
    block_lines("circuit_breaker intelligent", lines, body);
}

void load_balancing_lines(const LoadBalancingConfig& lb, std::vector<std::string>& body) {
    if (const auto& sp = lb.selection_policy) {
        std::string line = "lb_policy " + (sp->policy.empty() ? std::string("random") : sp->policy);
        if (sp->choose) line += " " + std::to_string(sp->choose);
        for (const std::string* arg : {&sp->field, &sp->key, &sp->name, &sp->secret})
            if (!arg->empty()) line += " " + quote(*arg);
        for (int weight : sp->weights) line += " " + std::to_string(weight);
        std::vector<std::string> adaptive;
        if (sp->history_length) adaptive.push_back("history_length " + std::to_string(sp->history_length));
        if (sp->update_interval.count()) adaptive.push_back("update_interval " + format_duration(sp->update_interval));
        if (sp->alpha) adaptive.push_back("alpha " + json(sp->alpha).dump());
        block_lines(line, adaptive, body);
    }
    if (lb.retries) body.push_back("lb_retries " + std::to_string(lb.retries));
    if (lb.try_duration.count()) body.push_back("lb_try_duration " + format_duration(lb.try_duration));
    if (lb.try_interval.count()) body.push_back("lb_try_interval " + format_duration(lb.try_interval));
    if (!lb.retry_match.value.is_null())
        for (const auto& set : lb.retry_match.value) {
            body.push_back("lb_retry_match {");
            Writer block(false);
            for (auto m = set.begin(); m != set.end(); ++m) write_matcher(block, m.key(), m.value(), lb.retry_match.path + "." + m.key());
            std::istringstream lines(block.text());
            for (std::string l; std::getline(lines, l);) body.push_back("\t" + l);
            body.push_back("}");
        }
}

void tls_lines(const HttpTransportConfig::Tls& tls, std::vector<std::string>& body) {
    if (tls == HttpTransportConfig::Tls{}) body.push_back("\ttls");
    if (!tls.except_ports.empty()) body.push_back("\ttls_except_ports" + words(tls.except_ports));
    if (tls.handshake_timeout.count()) body.push_back("\ttls_timeout " + format_duration(tls.handshake_timeout));
    if (!tls.client_certificate_automate.empty()) body.push_back("\ttls_client_auth " + quote(tls.client_certificate_automate));
    if (!tls.client_certificate_file.empty() || !tls.client_certificate_key_file.empty())
        body.push_back("\ttls_client_auth " + quote(tls.client_certificate_file) + " " + quote(tls.client_certificate_key_file));
    if (tls.insecure_skip_verify) body.push_back("\ttls_insecure_skip_verify");
    if (!tls.renegotiation.empty()) body.push_back("\ttls_renegotiation " + quote(tls.renegotiation));
    if (!tls.root_ca_pem_files.empty()) body.push_back("\ttls_trusted_ca_certs" + words(tls.root_ca_pem_files));
    if (!tls.server_name.empty()) body.push_back("\ttls_server_name " + quote(tls.server_name));
}

void transport_lines(const HttpTransportConfig& t, std::vector<std::string>& body) {
    const auto timeout = [&](const char* name, std::chrono::nanoseconds value) {
        if (value.count()) body.push_back(std::string("\t") + name + " " + format_duration(value));
    };
    const auto number = [&](const char* name, std::int64_t value) {
        if (value) body.push_back(std::string("\t") + name + " " + std::to_string(value));
    };
    body.push_back("transport http {");
    if (t.compression == false) body.push_back("\tcompression off");
    timeout("dial_fallback_delay", t.dial_fallback_delay);
    timeout("dial_timeout", t.dial_timeout);
    timeout("expect_continue_timeout", t.expect_continue_timeout);
    if (const auto& k = t.keep_alive) {
        if (*k == HttpTransportConfig::KeepAlive{}) body.push_back("\tkeepalive_idle_conns 0");
        if (k->enabled == false) body.push_back("\tkeepalive off");
        timeout("keepalive", k->idle_timeout);
        timeout("keepalive_interval", k->probe_interval);
        number("keepalive_idle_conns", k->max_idle_conns);
        number("keepalive_idle_conns_per_host", k->max_idle_conns_per_host);
    }
    number("max_conns_per_host", t.max_conns_per_host);
    number("max_response_header", t.max_response_header_size);
    number("read_buffer", t.read_buffer_size);
    timeout("read_timeout", t.read_timeout);
    if (t.resolver) body.push_back("\tresolvers" + words(t.resolver->addresses));
    timeout("response_header_timeout", t.response_header_timeout);
    if (t.tls) tls_lines(*t.tls, body);
    if (!t.versions.empty()) body.push_back("\tversions" + words(t.versions));
    number("write_buffer", t.write_buffer_size);
    timeout("write_timeout", t.write_timeout);
    body.push_back("}");
}

void fastcgi_transport_lines(const FastcgiTransportConfig& t, std::vector<std::string>& body) {
    std::vector<std::string> lines;
    if (!t.root.empty()) lines.push_back("\troot " + quote(t.root));
    if (!t.split_path.empty()) lines.push_back("\tsplit" + words(t.split_path));
    for (const auto& [name, value] : t.env) lines.push_back("\tenv " + quote(name) + " " + quote(value));
    if (t.resolve_root_symlink) lines.push_back("\tresolve_root_symlink");
    if (t.dial_timeout.count()) lines.push_back("\tdial_timeout " + format_duration(t.dial_timeout));
    if (t.read_timeout.count()) lines.push_back("\tread_timeout " + format_duration(t.read_timeout));
    if (t.write_timeout.count()) lines.push_back("\twrite_timeout " + format_duration(t.write_timeout));
    if (t.capture_stderr) lines.push_back("\tcapture_stderr");
    if (lines.empty()) {
        body.push_back("transport fastcgi");
        return;
    }
    body.push_back("transport fastcgi {");
    body.insert(body.end(), lines.begin(), lines.end());
    body.push_back("}");
}

// The upstream as the directive writes it: the dial itself or, for what Caddy made of a portless
// host, that host; "h2c://host:port" and "unix+h2c//path" for h2c; "srv+name" for an SRV lookup.
// nullopt when no token reads back as it.
std::optional<std::string> upstream_token(const UpstreamConfig& up, bool h2c) {
    const bool srv = !up.lookup_srv.value.empty();
    const std::string& address = srv ? up.lookup_srv.value : up.dial.value;
    std::vector<std::string> candidates{address};
    if (address.ends_with(":80")) {
        const std::string host = address.substr(0, address.size() - 3);
        candidates.push_back(host);
        if (host.size() > 2 && host.front() == '[' && host.back() == ']') candidates.push_back(host.substr(1, host.size() - 2));
    }
    for (const auto& candidate : candidates) {
        std::string token = candidate;
        if (srv) token = "srv+" + candidate;
        else if (h2c) token = candidate.starts_with("unix/") ? "unix+h2c/" + candidate.substr(5) : "h2c://" + candidate;
        try {
            const UpstreamAddress back = parse_upstream_address(token);
            if (back.dial == address && back.lookup_srv == srv && back.scheme == (h2c ? "h2c" : "")) return token;
        } catch (const std::invalid_argument&) {
        }
    }
    return std::nullopt;
}

} // namespace

void write_reverse_proxy(Writer& w, const std::string& m, const json& h, const std::string& path, const std::string& directive,
                         std::vector<std::string> body) {
    ReverseProxyConfig c;
    try {
        ObjectReader r(h, path);
        c = ReverseProxyConfig::from_json(r);
    } catch (const ConfigError& e) {
        throw ExportError(e.path(), std::string(e.what()).substr(e.path().size() + 2));
    }
    std::string head = directive + (m.empty() ? "" : " " + m);
    // Caddy makes an h2c:// upstream's transport {"protocol": "http", "versions": ["h2c", "2"]}: that
    // transport alone is written as the shorthand, when every upstream can be.
    static const HttpTransportConfig h2c_transport = [] {
        HttpTransportConfig t;
        t.versions = {"h2c", "2"};
        return t;
    }();
    bool h2c = c.transport == h2c_transport && !c.upstreams.empty();
    for (const auto& up : c.upstreams) h2c = h2c && upstream_token(up, true).has_value();
    for (std::size_t i = 0; i < c.upstreams.size(); ++i) {
        const auto token = upstream_token(c.upstreams[i], h2c);
        if (!token)
            throw ExportError(c.upstreams[i].dial.path, "upstream \"" + c.upstreams[i].dial.value +
                                                            "\" reads back as another address from a Caddyfile");
        head += " " + quote(*token);
    }
    if (h2c) c.transport.reset();
    if (c.request_buffers || c.response_buffers)
        throw ExportError(path + (c.request_buffers ? ".request_buffers" : ".response_buffers"),
                          "Caddy 2.7's buffer sizes have no Caddyfile export here yet");
    // In the order of the handler's keys, as the lines always came.
    if (c.buffer_requests) body.push_back("buffer_requests");
    if (c.buffer_responses) body.push_back("buffer_responses");
    // ProxFlow's own: for a stock Caddy, left out (its slot has no module there, and no policy is adaptive).
    if (c.circuit_breaker && w.stock()) {
        w.warnings.push_back(path + ".circuit_breaker: ProxFlow's own; stock Caddy has no circuit breaker module (left out)");
        c.circuit_breaker.reset();
    }
    if (c.circuit_breaker) circuit_breaker_lines(*c.circuit_breaker, body);
    if (w.stock() && c.load_balancing && c.load_balancing->selection_policy && c.load_balancing->selection_policy->policy == "adaptive") {
        w.warnings.push_back(path + ".load_balancing.selection_policy: ProxFlow's own adaptive policy; stock Caddy has none "
                                    "(left out: Caddy balances at random)");
        c.load_balancing->selection_policy.reset();
    }
    if (c.dynamic_upstreams) dynamic_upstream_lines(*c.dynamic_upstreams, body);
    if (c.flush_interval.count())
        body.push_back("flush_interval " + (c.flush_interval.count() < 0 ? std::to_string(c.flush_interval.count())
                                                                          : format_duration(c.flush_interval)));
    if (c.headers) {
        if (!c.headers->request.value.is_null()) header_op_lines(c.headers->request.value, "header_up ", body);
        if (!c.headers->response.value.is_null()) header_op_lines(c.headers->response.value, "header_down ", body);
    }
    if (c.health_checks) health_check_lines(*c.health_checks, body);
    if (c.load_balancing) load_balancing_lines(*c.load_balancing, body);
    if (c.max_buffer_size) body.push_back("max_buffer_size " + std::to_string(c.max_buffer_size));
    // An empty rewrite is made, as by Caddy, by a method or rewrite line with an empty value.
    if (c.rewrite.value.is_object() && c.rewrite.value.empty()) body.push_back("method \"\"");
    if (!c.rewrite.value.is_null())
        for (auto r = c.rewrite.value.begin(); r != c.rewrite.value.end(); ++r) {
            if (r.key() == "method") body.push_back("method " + quote(str(r.value())));
            else if (r.key() == "uri") body.push_back("rewrite " + quote(str(r.value())));
            else throw ExportError(c.rewrite.path + "." + r.key(), "rewrite option has no reverse_proxy form");
        }
    if (c.transport) transport_lines(*c.transport, body);
    if (c.fastcgi_transport) fastcgi_transport_lines(*c.fastcgi_transport, body);
    if (!c.trusted_proxies.value.empty()) {
        std::string line = "trusted_proxies";
        for (const auto& t : c.trusted_proxies.value) line += " " + quote(t);
        body.push_back(line);
    }
    Writer responses = w.nested();
    if (!c.handle_response.value.is_null()) write_response_handlers(responses, c.handle_response.value, c.handle_response.path);
    if (body.empty() && responses.text().empty()) {
        w.line(head);
        return;
    }
    w.open(head);
    for (const auto& l : body) w.line(l);
    w.append(responses);
    w.close();
}

} // namespace proxflow::caddyfile
