#include "routing/placeholder.hpp"

#include "config/object_reader.hpp"
#include "http/client_ip.hpp"
#include "http/request_context.hpp"
#include "http/url_path.hpp"
#include "routing/server_runtime.hpp"
#include "routing/shutdown_notice.hpp"

#include <charconv>
#include <chrono>

namespace proxflow {
namespace {

std::string_view query_of(std::string_view target) {
    const auto q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

std::string_view host_without_port(std::string_view host) {
    if (!host.empty() && host.front() == '[') {
        const auto end = host.find(']');
        return end == std::string_view::npos ? host : host.substr(1, end - 1);
    }
    const auto colon = host.rfind(':');
    if (colon != std::string_view::npos && host.find(':') == colon) return host.substr(0, colon);
    return host;
}

std::string_view port_of(std::string_view host) {
    const auto bracket = host.rfind(']');
    const auto colon = host.rfind(':');
    if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) return {};
    if (bracket == std::string_view::npos && host.find(':') != colon) return {};
    return host.substr(colon + 1);
}

bool starts_with_key(std::string_view key, std::string_view prefix, std::string_view& rest) {
    if (!key.starts_with(prefix)) return false;
    rest = key.substr(prefix.size());
    return true;
}

} // namespace

bool resolve_placeholder(const RequestContext& ctx, std::string_view key, std::string& out) {
    const auto& req = ctx.request();
    const std::string_view target = req.target();
    const std::string_view host = req[http::field::host];
    std::string_view rest;

    if (key == "http.request.host") out += host_without_port(host);
    else if (key == "http.request.hostport") out += host;
    else if (key == "http.request.port") {
        const auto port = port_of(host);
        out += port.empty() ? std::to_string(ctx.local.port()) : std::string(port);
    } else if (key == "http.request.method") out += req.method_string();
    else if (key == "http.request.uri") out += target;
    else if (key == "http.request.uri.path") out += path_of(target);
    else if (key == "http.request.uri.query") out += query_of(target);
    else if (key == "http.request.orig_uri") out += ctx.original_uri;
    else if (key == "http.shutting_down") out += announced_shutdown() || (ctx.shutting_down && *ctx.shutting_down) ? "true" : "false";
    else if (key == "http.time_until_shutdown") {
        if (const auto at = announced_shutdown())
            out += go_duration_string(std::max(std::chrono::nanoseconds{}, *at - std::chrono::steady_clock::now()));
    }
    else if (key == "http.request.orig_uri.path") out += path_of(ctx.original_uri);
    else if (key == "http.request.scheme") out += ctx.scheme();
    else if (key == "http.request.proto") out += req.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
    else if (key == "http.request.remote") out += ip_text(ctx.remote.address()) + ":" + std::to_string(ctx.remote.port());
    else if (key == "http.request.remote.host") out += ip_text(ctx.remote.address());
    else if (key == "http.request.client_ip") out += ip_text(client_ip_of(ctx));
    else if (key == "http.request.remote.port") out += std::to_string(ctx.remote.port());
    else if (key == "http.request.local.host") out += ip_text(ctx.local.address());
    else if (key == "http.request.local.port") out += std::to_string(ctx.local.port());
    else if (key == "http.reverse_proxy.upstream.hostport") out += ctx.upstream_hostport;
    else if (key == "http.reverse_proxy.upstream.host") out += host_without_port(ctx.upstream_hostport);
    else if (key == "http.reverse_proxy.upstream.port") out += port_of(ctx.upstream_hostport);
    else if (key == "http.reverse_proxy.status_code") {
        if (ctx.handled_response_header) out += std::to_string(ctx.handled_response_header->result_int());
    } else if (key == "http.reverse_proxy.status_text") {
        // Go's Response.Status: the code and the reason phrase ("200 OK").
        if (const auto& h = ctx.handled_response_header) {
            out += std::to_string(h->result_int());
            out += ' ';
            out += h->reason().empty() ? http::obsolete_reason(h->result()) : h->reason();
        }
    } else if (key == "http.server.name") out += ctx.server.name;
    else if (starts_with_key(key, "http.request.tls.", rest)) {
        // Unknown on plain HTTP, as Caddy's are when r.TLS is nil.
        const auto& tls = ctx.client.tls_state;
        if (!ctx.client.is_tls()) return false;
        if (rest == "version") out += tls.version;
        else if (rest == "cipher_suite") out += tls.cipher_suite;
        else if (rest == "proto") out += tls.proto;
        else if (rest == "server_name") out += tls.server_name;
        else return false;
    }
    else if (key == "system.hostname") out += ctx.server.hostname;
    else if (key == "time.now.unix") {
        out += std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch()).count());
    } else if (starts_with_key(key, "http.request.header.", rest)) out += req[rest];
    else if (starts_with_key(key, "http.reverse_proxy.header.", rest)) {
        // Several fields of one name join with "," as Caddy's strings.Join(values, ",").
        if (const auto& h = ctx.handled_response_header) {
            bool first = true;
            for (auto [it, end] = h->equal_range(rest); it != end; ++it, first = false) {
                if (!first) out += ',';
                out += it->value();
            }
        }
    }
    else if (starts_with_key(key, "http.request.uri.query.", rest)) {
        const std::string_view query = query_of(target);
        std::size_t pos = 0;
        while (pos <= query.size()) {
            auto amp = query.find('&', pos);
            if (amp == std::string_view::npos) amp = query.size();
            const std::string_view pair = query.substr(pos, amp - pos);
            const auto eq = pair.find('=');
            if (pair.substr(0, eq) == rest) {
                if (eq != std::string_view::npos) out += pair.substr(eq + 1);
                break;
            }
            pos = amp + 1;
        }
    } else if (starts_with_key(key, "http.request.uri.path.", rest)) {
        int index = 0;
        if (std::from_chars(rest.data(), rest.data() + rest.size(), index).ec != std::errc{}) return false;
        std::string_view path = path_of(target);
        if (!path.empty() && path.front() == '/') path.remove_prefix(1);
        for (int i = 0; i <= index; ++i) {
            const auto slash = path.find('/');
            if (i == index) {
                out += path.substr(0, slash);
                break;
            }
            if (slash == std::string_view::npos) break;
            path.remove_prefix(slash + 1);
        }
    } else if (starts_with_key(key, "http.request.cookie.", rest)) {
        for (const auto& field : req) {
            if (field.name() != http::field::cookie) continue;
            const std::string cookies = ";" + std::string(field.value()); // param_list views it: keep it alive
            for (const auto& cookie : http::param_list(cookies))
                if (cookie.first == rest) out += cookie.second;
        }
    } else if (starts_with_key(key, "http.vars.", rest)) {
        if (const auto* v = ctx.var(rest)) out += *v;
    } else if (starts_with_key(key, "env.", rest)) {
        if (const char* v = std::getenv(std::string(rest).c_str())) out += v;
    } else {
        for (const auto& [k, v] : ctx.matcher_placeholders)
            if (k == key) {
                out += v;
                return true;
            }
        for (const PlaceholderSource* source : ctx.placeholder_sources)
            if (source->resolve(ctx, key, out)) return true;
        return false;
    }
    return true;
}

Template::Template(std::string_view text) : text_(text) {
    std::string literal;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '{' || text[i + 1] == '}')) {
            literal += text[++i];
            continue;
        }
        if (c == '{') {
            const auto end = text.find('}', i);
            if (end != std::string_view::npos) {
                if (!literal.empty()) parts_.push_back({false, std::move(literal)});
                literal.clear();
                parts_.push_back({true, std::string(text.substr(i + 1, end - i - 1))});
                dynamic_ = true;
                i = end;
                continue;
            }
        }
        literal += c;
    }
    if (!literal.empty()) parts_.push_back({false, std::move(literal)});
}

std::string Template::render(const RequestContext& ctx, void (*append)(std::string_view value, std::string& out)) const {
    std::string out, value;
    for (const auto& part : parts_) {
        if (!part.placeholder) {
            out += part.value;
            continue;
        }
        value.clear();
        resolve_placeholder(ctx, part.value, value);
        append(value, out);
    }
    return out;
}

std::string Template::render(const RequestContext& ctx) const {
    if (!dynamic_) return parts_.empty() ? std::string{} : parts_.front().value;
    std::string out;
    for (const auto& part : parts_) {
        if (part.placeholder) resolve_placeholder(ctx, part.value, out);
        else out += part.value;
    }
    return out;
}

} // namespace proxflow
