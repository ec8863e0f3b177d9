// reverse_proxy back into its Caddyfile directive: upstreams on the line, every other field a
// subdirective, response matchers and handle_response blocks last.
#include "modules/reverse_proxy/caddyfile.hpp"

#include "caddyfile/exporter.hpp"
#include "caddyfile/writer.hpp"
#include "config/object_reader.hpp"

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

} // namespace

void write_reverse_proxy(Writer& w, const std::string& m, const json& h, const std::string& path, const std::string& directive,
                         std::vector<std::string> body) {
    std::string head = directive + (m.empty() ? "" : " " + m);
    for (const auto& up : h.value("upstreams", json::array())) head += " " + quote(up["dial"]);
    Writer responses = w.nested();
    for (auto it = h.begin(); it != h.end(); ++it) {
        const std::string& key = it.key();
        const json& v = it.value();
        const std::string p = path + "." + key;
        if (key == "handler" || key == "upstreams") continue;
        if (key == "load_balancing") {
            if (v.contains("selection_policy")) {
                const json& sp = v["selection_policy"];
                std::string line = "lb_policy " + sp.value("policy", "random");
                for (const char* arg : {"choose", "field", "key", "name", "secret"})
                    if (sp.contains(arg)) line += " " + quote(str(sp[arg]));
                if (sp.contains("weights"))
                    for (const auto& wgt : sp["weights"]) line += " " + str(wgt);
                body.push_back(line);
            }
            if (v.contains("retries")) body.push_back("lb_retries " + str(v["retries"]));
            if (v.contains("try_duration")) body.push_back("lb_try_duration " + duration(v["try_duration"], p));
            if (v.contains("try_interval")) body.push_back("lb_try_interval " + duration(v["try_interval"], p));
            if (v.contains("retry_match"))
                for (const auto& set : v["retry_match"]) {
                    body.push_back("lb_retry_match {");
                    Writer block(false);
                    for (auto m = set.begin(); m != set.end(); ++m)
                        write_matcher(block, m.key(), m.value(), p + ".retry_match." + m.key());
                    std::istringstream lines(block.text());
                    for (std::string l; std::getline(lines, l);) body.push_back("\t" + l);
                    body.push_back("}");
                }
        } else if (key == "health_checks") {
            if (v.contains("active")) {
                const json& a = v["active"];
                if (a.contains("uri")) body.push_back("health_uri " + quote(a["uri"]));
                if (a.contains("path")) body.push_back("health_path " + quote(a["path"]));
                if (a.contains("port")) body.push_back("health_port " + str(a["port"]));
                if (a.contains("interval")) body.push_back("health_interval " + duration(a["interval"], p));
                if (a.contains("timeout")) body.push_back("health_timeout " + duration(a["timeout"], p));
                if (a.contains("expect_status")) body.push_back("health_status " + str(a["expect_status"]));
                if (a.contains("expect_body")) body.push_back("health_body " + quote(a["expect_body"]));
                if (a.contains("headers")) {
                    body.push_back("health_headers {");
                    for (auto hit = a["headers"].begin(); hit != a["headers"].end(); ++hit) {
                        std::string line = "\t" + quote(hit.key());
                        for (const auto& hv : hit.value())
                            if (!(hit.value().size() == 1 && hv == "")) line += " " + quote(hv);
                        body.push_back(line);
                    }
                    body.push_back("}");
                }
            }
            if (v.contains("passive")) {
                const json& ps = v["passive"];
                if (ps.contains("fail_duration")) body.push_back("fail_duration " + duration(ps["fail_duration"], p));
                if (ps.contains("max_fails")) body.push_back("max_fails " + str(ps["max_fails"]));
                if (ps.contains("unhealthy_request_count")) body.push_back("unhealthy_request_count " + str(ps["unhealthy_request_count"]));
                if (ps.contains("unhealthy_status")) {
                    std::string line = "unhealthy_status";
                    for (const auto& s : ps["unhealthy_status"]) line += " " + str(s);
                    body.push_back(line);
                }
                if (ps.contains("unhealthy_latency")) body.push_back("unhealthy_latency " + duration(ps["unhealthy_latency"], p));
            }
        } else if (key == "trusted_proxies") {
            std::string line = "trusted_proxies";
            for (const auto& t : v) line += " " + quote(t);
            body.push_back(line);
        } else if (key == "headers") {
            if (v.contains("request")) header_op_lines(v["request"], "header_up ", body);
            if (v.contains("response")) header_op_lines(v["response"], "header_down ", body);
        } else if (key == "buffer_requests" || key == "buffer_responses") {
            if (v.get<bool>()) body.push_back(key);
        } else if (key == "max_buffer_size") {
            body.push_back("max_buffer_size " + str(v));
        } else if (key == "rewrite") {
            for (auto r = v.begin(); r != v.end(); ++r) {
                if (r.key() == "method") body.push_back("method " + quote(r.value()));
                else if (r.key() == "uri") body.push_back("rewrite " + quote(r.value()));
                else throw ExportError(p + "." + r.key(), "rewrite option has no reverse_proxy form");
            }
        } else if (key == "handle_response") {
            write_response_handlers(responses, v, p);
        } else if (key == "dynamic_upstreams") {
            const std::string source = v.value("source", "");
            if (source != "a" && source != "srv") throw ExportError(p + ".source", "dynamic upstreams source '" + source + "' has no Caddyfile export here");
            body.push_back("dynamic " + source + " {");
            for (auto o = v.begin(); o != v.end(); ++o) {
                const std::string& k = o.key();
                if (k == "source") continue;
                if (k == "name" || k == "port" || k == "service" || k == "proto") body.push_back("\t" + k + " " + quote(str(o.value())));
                else if (k == "refresh" || k == "dial_timeout" || k == "dial_fallback_delay")
                    body.push_back("\t" + k + " " + duration(o.value(), p + "." + k));
                else if (k == "resolver") {
                    std::string line = "\tresolvers";
                    for (const auto& a : o.value().value("addresses", json::array())) line += " " + quote(a);
                    body.push_back(line);
                } else throw ExportError(p + "." + k, "dynamic upstreams option '" + k + "' has no Caddyfile export here");
            }
            body.push_back("}");
        } else if (key == "flush_interval") {
            body.push_back("flush_interval " + (v.is_number_integer() && v.get<long long>() < 0 ? str(v) : duration(v, p)));
        } else if (key == "transport") {
            if (v.value("protocol", "http") != "http") throw ExportError(p, "only the http transport has a Caddyfile form here");
            body.push_back("transport http {");
            for (auto t = v.begin(); t != v.end(); ++t) {
                const std::string& k = t.key();
                const json& tv = t.value();
                if (k == "protocol") continue;
                if (k == "dial_timeout" || k == "response_header_timeout" || k == "read_timeout" || k == "write_timeout" ||
                    k == "dial_fallback_delay" || k == "expect_continue_timeout")
                    body.push_back("\t" + k + " " + duration(tv, p + "." + k));
                else if (k == "max_conns_per_host") body.push_back("\tmax_conns_per_host " + str(tv));
                else if (k == "read_buffer_size") body.push_back("\tread_buffer " + str(tv));
                else if (k == "write_buffer_size") body.push_back("\twrite_buffer " + str(tv));
                else if (k == "max_response_header_size") body.push_back("\tmax_response_header " + str(tv));
                else if (k == "resolver") {
                    std::string line = "\tresolvers";
                    for (const auto& a : tv["addresses"]) line += " " + quote(a);
                    body.push_back(line);
                } else if (k == "tls") {
                    if (tv.empty()) body.push_back("\ttls");
                    for (auto o = tv.begin(); o != tv.end(); ++o) {
                        if (o.key() == "renegotiation") body.push_back("\ttls_renegotiation " + quote(o.value()));
                        else if (o.key() == "server_name") body.push_back("\ttls_server_name " + quote(o.value()));
                        else if (o.key() == "insecure_skip_verify" && o.value().get<bool>()) body.push_back("\ttls_insecure_skip_verify");
                        else if (o.key() == "handshake_timeout") body.push_back("\ttls_timeout " + duration(o.value(), p));
                        else if (o.key() == "except_ports" || o.key() == "root_ca_pem_files") {
                            std::string line = o.key() == "except_ports" ? "\ttls_except_ports" : "\ttls_trusted_ca_certs";
                            for (const auto& x : o.value()) line += " " + quote(x);
                            body.push_back(line);
                        } else throw ExportError(p + ".tls." + o.key(), "transport tls option has no export here yet");
                    }
                }
                else if (k == "keep_alive") {
                    if (tv.contains("enabled") && !tv["enabled"].get<bool>()) body.push_back("\tkeepalive off");
                    if (tv.contains("idle_timeout")) body.push_back("\tkeepalive " + duration(tv["idle_timeout"], p));
                    if (tv.contains("probe_interval")) body.push_back("\tkeepalive_interval " + duration(tv["probe_interval"], p));
                    if (tv.contains("max_idle_conns")) body.push_back("\tkeepalive_idle_conns " + str(tv["max_idle_conns"]));
                    if (tv.contains("max_idle_conns_per_host"))
                        body.push_back("\tkeepalive_idle_conns_per_host " + str(tv["max_idle_conns_per_host"]));
                } else if (k == "versions") {
                    std::string line = "\tversions";
                    for (const auto& ver : tv) line += " " + quote(ver);
                    body.push_back(line);
                } else if (k == "compression" && !tv.get<bool>()) body.push_back("\tcompression off");
                else throw ExportError(p + "." + k, "transport option '" + k + "' has no Caddyfile export here yet");
            }
            body.push_back("}");
        } else {
            throw ExportError(p, "reverse_proxy option '" + key + "' has no Caddyfile export here yet");
        }
    }
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
