#include "metrics/prometheus.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace proxflow::metrics {
namespace {

constexpr const char* status_class_names[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};

std::string escape_label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.15g", v);
    return buf;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

void sample(std::string& out, const std::string& name, const std::string& labels, double value);

// The circuit breaker's and the adaptive policy's view of the upstreams they watch; nothing when
// neither is configured.
void write_resilience(std::string& out, const std::vector<UpstreamStats>& upstreams) {
    const auto label = [](const UpstreamStats& u) { return "upstream=\"" + escape_label(u.address) + "\""; };
    const bool breakers = std::any_of(upstreams.begin(), upstreams.end(), [](const UpstreamStats& u) { return !u.circuit_state.empty(); });
    if (breakers) {
        family(out, "proxflow_reverse_proxy_upstream_circuit_state", "gauge",
               "1 for the state the upstream's circuit is in (closed, open, half_open, ramp_up), 0 for the others.");
        for (const auto& u : upstreams)
            if (!u.circuit_state.empty())
                for (const char* state : {"closed", "open", "half_open", "ramp_up"})
                    sample(out, "proxflow_reverse_proxy_upstream_circuit_state", label(u) + ",state=\"" + state + "\"",
                           u.circuit_state == state ? 1 : 0);
        family(out, "proxflow_reverse_proxy_upstream_circuit_failure_rate", "gauge",
               "Failed attempts / attempts in the circuit breaker's sliding window.");
        for (const auto& u : upstreams)
            if (!u.circuit_state.empty()) sample(out, "proxflow_reverse_proxy_upstream_circuit_failure_rate", label(u), u.failure_rate);
    }
    if (std::any_of(upstreams.begin(), upstreams.end(), [](const UpstreamStats& u) { return u.weight >= 0; })) {
        family(out, "proxflow_reverse_proxy_upstream_predicted_load_seconds", "gauge",
               "The adaptive policy's prediction of the time to the response header in the next interval.");
        for (const auto& u : upstreams)
            if (u.predicted_load_ms >= 0)
                sample(out, "proxflow_reverse_proxy_upstream_predicted_load_seconds", label(u), u.predicted_load_ms / 1000);
        family(out, "proxflow_reverse_proxy_upstream_weight", "gauge", "The share of new requests the adaptive policy gives the upstream.");
        for (const auto& u : upstreams)
            if (u.weight >= 0) sample(out, "proxflow_reverse_proxy_upstream_weight", label(u), u.weight);
    }
}

void sample(std::string& out, const std::string& name, const std::string& labels, double value) {
    out += name;
    if (!labels.empty()) out += "{" + labels + "}";
    out += ' ';
    out += number(value);
    out += '\n';
}

// Cumulative `le` buckets in seconds. The counts at each bound are exact (recorded per bound, not
// read from the fine buckets), and so is the sum.
void histogram(std::string& out, const std::string& name, const std::string& labels, const HistogramCounts& h) {
    const std::string sep = labels.empty() ? "" : labels + ",";
    std::uint64_t cumulative = 0;
    for (std::size_t k = 0; k < prometheus_bounds_us.size(); ++k) {
        cumulative += h.prometheus[k];
        sample(out, name + "_bucket", sep + "le=\"" + number(static_cast<double>(prometheus_bounds_us[k]) / 1e6) + "\"",
               static_cast<double>(cumulative));
    }
    sample(out, name + "_bucket", sep + "le=\"+Inf\"", static_cast<double>(h.total));
    sample(out, name + "_sum", labels, static_cast<double>(h.sum_us) / 1e6);
    sample(out, name + "_count", labels, static_cast<double>(h.total));
}

} // namespace

std::string render_prometheus(const Snapshot& snap) {
    std::string out;
    out.reserve(16384);

    family(out, "proxflow_http_requests_total", "counter", "Requests served, by server.");
    for (const auto& s : snap.servers) sample(out, "proxflow_http_requests_total", "server=\"" + escape_label(s.name) + "\"", static_cast<double>(s.requests));

    family(out, "proxflow_http_responses_total", "counter", "Responses written, by server and status class.");
    for (const auto& s : snap.servers)
        for (int i = 0; i < 5; ++i)
            sample(out, "proxflow_http_responses_total",
                   "server=\"" + escape_label(s.name) + "\",code_class=\"" + status_class_names[i] + "\"",
                   static_cast<double>(s.status_classes[i]));

    family(out, "proxflow_tls_handshake_failures_total", "counter",
           "TLS connections closed before a handshake completed (garbage, plain HTTP, no certificate, client alerts), by server.");
    for (const auto& s : snap.servers)
        sample(out, "proxflow_tls_handshake_failures_total", "server=\"" + escape_label(s.name) + "\"", static_cast<double>(s.tls_handshake_failures));
    family(out, "proxflow_http_request_duration_seconds", "histogram", "Time from request header to the end of the response, by server.");
    for (const auto& s : snap.servers)
        histogram(out, "proxflow_http_request_duration_seconds", "server=\"" + escape_label(s.name) + "\"", s.latency);

    // Per route: the server's top-level routes, "srv0 routes[2]" split into its two labels.
    const auto route_labels = [](const ServerStats& r) {
        const auto space = r.name.find(' ');
        return "server=\"" + escape_label(r.name.substr(0, space)) + "\",route=\"" +
               escape_label(space == std::string::npos ? "" : r.name.substr(space + 1)) + "\"";
    };
    family(out, "proxflow_http_route_requests_total", "counter", "Requests by the first top-level route that matched.");
    for (const auto& r : snap.routes) sample(out, "proxflow_http_route_requests_total", route_labels(r), static_cast<double>(r.requests));
    family(out, "proxflow_http_route_request_duration_seconds", "histogram", "Request duration by top-level route.");
    for (const auto& r : snap.routes) histogram(out, "proxflow_http_route_request_duration_seconds", route_labels(r), r.latency);

    family(out, "proxflow_http_requests_in_flight", "gauge", "Requests being handled now.");
    sample(out, "proxflow_http_requests_in_flight", "", static_cast<double>(snap.active_requests));
    family(out, "proxflow_http_connections_active", "gauge", "Open client connections.");
    sample(out, "proxflow_http_connections_active", "", static_cast<double>(snap.active_connections));
    family(out, "proxflow_http_connections_refused_total", "counter",
           "Client connections closed as soon as they were accepted: the engine's connection cap was reached.");
    sample(out, "proxflow_http_connections_refused_total", "", static_cast<double>(snap.refused_connections));
    family(out, "proxflow_worker_connections_active", "gauge", "Open client connections by engine thread.");
    for (std::size_t i = 0; i < snap.worker_connections.size(); ++i)
        sample(out, "proxflow_worker_connections_active", "worker=\"" + std::to_string(i) + "\"",
               static_cast<double>(snap.worker_connections[i]));
    family(out, "proxflow_http_request_size_bytes_total", "counter", "Bytes read from clients (headers and bodies).");
    sample(out, "proxflow_http_request_size_bytes_total", "", static_cast<double>(snap.bytes_in));
    family(out, "proxflow_http_response_size_bytes_total", "counter", "Bytes written to clients (headers and bodies).");
    sample(out, "proxflow_http_response_size_bytes_total", "", static_cast<double>(snap.bytes_out));

    family(out, "proxflow_http_requests_by_country_total", "counter", "Requests by client country (ISO 3166 alpha-2, local, unknown).");
    for (const auto& c : snap.countries)
        sample(out, "proxflow_http_requests_by_country_total", "country=\"" + escape_label(c.code) + "\"", static_cast<double>(c.requests));

    family(out, "proxflow_http_request_duration_by_country_seconds", "summary",
           "Time from request header to the end of the response, by client country: sum and count.");
    for (const auto& c : snap.countries) {
        const std::string labels = "country=\"" + escape_label(c.code) + "\"";
        sample(out, "proxflow_http_request_duration_by_country_seconds_sum", labels, static_cast<double>(c.latency_sum_us) / 1e6);
        sample(out, "proxflow_http_request_duration_by_country_seconds_count", labels, static_cast<double>(c.requests));
    }

    family(out, "proxflow_http_requests_by_continent_total", "counter", "Requests by client continent (AF, AN, AS, EU, NA, OC, SA).");
    {
        std::map<std::string, std::uint64_t> continents;
        for (const auto& c : snap.countries)
            if (!c.continent.empty()) continents[c.continent] += c.requests;
        for (const auto& [continent, requests] : continents)
            sample(out, "proxflow_http_requests_by_continent_total", "continent=\"" + continent + "\"", static_cast<double>(requests));
    }

    family(out, "proxflow_reverse_proxy_upstreams_healthy", "gauge", "1 when the upstream is healthy, by upstream.");
    for (const auto& u : snap.upstreams)
        sample(out, "proxflow_reverse_proxy_upstreams_healthy", "upstream=\"" + escape_label(u.address) + "\"", u.healthy && u.fails == 0 ? 1 : 0);
    family(out, "proxflow_reverse_proxy_upstream_requests_total", "counter", "Responses received from the upstream.");
    for (const auto& u : snap.upstreams)
        sample(out, "proxflow_reverse_proxy_upstream_requests_total", "upstream=\"" + escape_label(u.address) + "\"", static_cast<double>(u.requests));
    family(out, "proxflow_reverse_proxy_upstream_failures_total", "counter", "Failed attempts (dial errors, timeouts, broken responses) per upstream.");
    for (const auto& u : snap.upstreams)
        sample(out, "proxflow_reverse_proxy_upstream_failures_total", "upstream=\"" + escape_label(u.address) + "\"", static_cast<double>(u.failures));
    family(out, "proxflow_reverse_proxy_upstream_requests_in_flight", "gauge", "Requests at the upstream now.");
    for (const auto& u : snap.upstreams)
        sample(out, "proxflow_reverse_proxy_upstream_requests_in_flight", "upstream=\"" + escape_label(u.address) + "\"", u.active_requests);
    family(out, "proxflow_reverse_proxy_upstream_header_duration_seconds", "histogram", "Time from sending a request to the upstream's response header.");
    for (const auto& u : snap.upstreams)
        histogram(out, "proxflow_reverse_proxy_upstream_header_duration_seconds", "upstream=\"" + escape_label(u.address) + "\"", u.latency);
    write_resilience(out, snap.upstreams);
    // Modules' own families, as they declared them.
    for (const auto& f : snap.families) {
        family(out, f.name.c_str(), f.type.c_str(), f.help.c_str());
        for (const auto& [labels, value] : f.counters) {
            std::string text;
            for (const auto& [key, v] : labels) text += (text.empty() ? "" : ",") + key + "=\"" + escape_label(v) + "\"";
            sample(out, f.name, text, static_cast<double>(value));
        }
    }
    return out;
}

} // namespace proxflow::metrics
