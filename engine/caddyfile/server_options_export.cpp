#include "caddyfile/server_options_export.hpp"

#include "caddyfile/exporter.hpp"
#include "config/object_reader.hpp"

#include <array>
#include <set>

namespace proxflow::caddyfile {
namespace {

using nlohmann::json;

// Caddyfile timeouts subdirective -> server field.
constexpr std::array<std::pair<const char*, const char*>, 4> timeout_fields{{
    {"read_body", "read_timeout"}, {"read_header", "read_header_timeout"}, {"write", "write_timeout"}, {"idle", "idle_timeout"}}};

json options_of(const json& server) {
    json options = json::object();
    for (auto it = server.begin(); it != server.end(); ++it)
        if (is_servers_option_field(it.key())) options[it.key()] = it.value();
    if (server.contains("logs") && server["logs"].is_object() && server["logs"].value("should_log_credentials", false))
        options["should_log_credentials"] = true;
    return options;
}

std::vector<std::string> block_for(const std::string& listener, const json& options, const std::string& path) {
    std::vector<std::string> lines{"servers" + (listener.empty() ? "" : " " + quote(listener)) + " {"};
    bool any_timeout = false;
    for (const auto& [word, field] : timeout_fields) any_timeout = any_timeout || options.contains(field);
    if (any_timeout) {
        lines.push_back("timeouts {");
        for (const auto& [word, field] : timeout_fields)
            if (options.contains(field))
                lines.push_back(std::string(word) + " " + format_duration(parse_duration(options[field], path + "." + field)));
        lines.push_back("}");
    }
    if (options.contains("keepalive_interval"))
        lines.push_back("keepalive_interval " + format_duration(parse_duration(options["keepalive_interval"], path + ".keepalive_interval")));
    if (options.contains("max_header_bytes")) {
        if (!options["max_header_bytes"].is_number_integer())
            throw ExportError(path + ".max_header_bytes", "expected a number of bytes");
        lines.push_back("max_header_size " + options["max_header_bytes"].dump());
    }
    if (options.contains("should_log_credentials")) lines.push_back("log_credentials");
    if (options.contains("protocols")) {
        std::string line = "protocols";
        for (const auto& p : options["protocols"]) line += " " + quote(p.get<std::string>());
        lines.push_back(line);
    }
    if (options.contains("strict_sni_host"))
        lines.push_back(options["strict_sni_host"].get<bool>() ? "strict_sni_host" : "strict_sni_host insecure_off");
    if (options.contains("listener_wrappers")) {
        lines.push_back("listener_wrappers {");
        const json& wrappers = options["listener_wrappers"];
        for (std::size_t i = 0; i < wrappers.size(); ++i) {
            if (!wrappers[i].is_object() || wrappers[i].size() != 1 || !wrappers[i].contains("wrapper"))
                throw ExportError(index_path(path + ".listener_wrappers", i), "a listener wrapper with options has no Caddyfile export here yet");
            lines.push_back(quote(wrappers[i]["wrapper"].get<std::string>()));
        }
        lines.push_back("}");
    }
    if (options.contains("metrics")) {
        if (options["metrics"] != json::object())
            throw ExportError(path + ".metrics", "server metrics with options have no Caddyfile form");
        lines.push_back("metrics");
    }
    lines.push_back("}");
    return lines;
}

} // namespace

bool is_servers_option_field(const std::string& key) {
    static const std::set<std::string> fields{"read_timeout",    "read_header_timeout", "write_timeout",     "idle_timeout",
                                              "max_header_bytes", "keepalive_interval", "protocols",           "strict_sni_host", "listener_wrappers",
                                              "metrics"};
    return fields.contains(key);
}

std::vector<std::string> servers_option_lines(const json& servers) {
    std::vector<std::pair<std::string, json>> with_options; // server name, its options
    bool all_same = !servers.empty();
    for (auto it = servers.begin(); it != servers.end(); ++it) {
        json options = options_of(it.value());
        if (!with_options.empty() && options != with_options.front().second) all_same = false;
        with_options.emplace_back(it.key(), std::move(options));
    }
    std::vector<std::string> lines;
    if (all_same) {
        if (!with_options.front().second.empty()) lines = block_for("", with_options.front().second, "apps.http.servers." + with_options.front().first);
        return lines;
    }
    for (const auto& [name, options] : with_options) {
        if (options.empty()) continue;
        const std::string path = "apps.http.servers." + name;
        const json& listen = servers[name].value("listen", json::array());
        if (listen.empty() || !listen[0].is_string()) throw ExportError(path + ".listen", "server options need a listen address to name the server by");
        for (auto& line : block_for(listen[0].get<std::string>(), options, path)) lines.push_back(std::move(line));
    }
    return lines;
}

json logs_without_credentials_flag(const json& server) {
    if (!server.contains("logs")) return json();
    json logs = server["logs"];
    if (!logs.is_object() || logs.value("should_log_credentials", json()) != json(true)) return logs;
    logs.erase("should_log_credentials");
    return logs.empty() ? json() : logs;
}

} // namespace proxflow::caddyfile
