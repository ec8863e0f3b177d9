// `log` and `skip_log`, as Caddy 2.6 adapts them. A `log` with options becomes a named custom log
// ("log0", "log1", … across the whole Caddyfile) that includes only this site's access logger; a
// bare `log` turns access logging on with the default logger. The adapter maps the site's hosts to
// the name (server.logs) and adds the log to the top-level logging app.
#include "caddyfile/log_directive.hpp"

#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/helper.hpp"

#include <algorithm>
#include <cmath>

namespace proxflow::caddyfile {
namespace {

// output file NAME { roll_* } as Caddy's FileWriter: sizes in whole MiB (rounded up), keep_for in whole days.
json parse_file_writer(Helper& h) {
    if (!h.d.next_arg()) h.d.wrong_args();
    json writer{{"output", "file"}, {"filename", h.d.val()}};
    if (h.d.next_arg()) h.d.wrong_args();
    for (const int nesting = h.d.nesting(); h.d.next_block(nesting);) {
        const std::string option = h.d.val();
        if (option == "roll_disabled") {
            writer["roll"] = false;
        } else if (option == "roll_uncompressed") {
            writer["roll_gzip"] = false;
        } else if (option == "roll_local_time") {
            writer["roll_local_time"] = true;
        } else if (option == "roll_size" || option == "roll_keep" || option == "roll_keep_for") {
            if (!h.d.next_arg()) h.d.wrong_args();
            const std::string value = h.d.val();
            if (option == "roll_size") {
                writer["roll_size_mb"] = static_cast<std::int64_t>(std::ceil(static_cast<double>(parse_size(h.d, value)) / (1024.0 * 1024.0)));
            } else if (option == "roll_keep") {
                writer["roll_keep"] = std::stoi(value);
            } else {
                const double days = static_cast<double>(parse_caddy_duration(h.d, value)) / (24.0 * 3600 * 1e9);
                writer["roll_keep_days"] = static_cast<std::int64_t>(std::ceil(days));
            }
            if (h.d.next_arg()) h.d.wrong_args();
        } else {
            h.d.fail("unrecognized subdirective: " + option);
        }
    }
    return writer;
}

std::vector<ConfigValue> parse_log(Helper& h) {
    h.d.next();
    if (h.d.next_arg()) h.d.wrong_args();
    json log = json::object();
    while (h.d.next_block(0)) {
        const std::string option = h.d.val();
        if (option == "output") {
            if (!h.d.next_arg()) h.d.wrong_args();
            const std::string output = h.d.val();
            if (output == "file") log["writer"] = parse_file_writer(h);
            else if (output == "stdout" || output == "stderr" || output == "discard") log["writer"] = {{"output", output}};
            else h.d.fail("log output '" + output + "' is not supported by ProxFlow yet");
        } else if (option == "format") {
            if (!h.d.next_arg()) h.d.wrong_args();
            const std::string format = h.d.val();
            if (format != "json" && format != "console") h.d.fail("log format '" + format + "' is not supported by ProxFlow yet");
            if (h.d.next_arg() || h.d.count_remaining_args() > 0) h.d.wrong_args();
            log["encoder"] = {{"format", format}};
        } else if (option == "level") {
            if (!h.d.next_arg()) h.d.wrong_args();
            log["level"] = h.d.val();
            if (h.d.next_arg()) h.d.wrong_args();
        } else {
            h.d.fail("unrecognized subdirective: " + option);
        }
    }
    json named{{"name", ""}};
    if (!log.empty()) {
        named["name"] = h.groups.next_log_name();
        log["include"] = json::array({"http.log.access." + named["name"].get<std::string>()});
        named["log"] = log;
    }
    return {ConfigValue{"custom_log", "log", named}};
}

// skip_log [<matcher>]: the access log leaves out what it matches.
json parse_skip_log(Helper& h) {
    if (h.d.next_arg()) h.d.wrong_args();
    return {{"handler", "vars"}, {"skip_log", true}};
}

} // namespace

std::vector<std::string> log_hosts(const std::vector<SiteAddress>& keys) {
    std::vector<std::string> hosts;
    for (const auto& a : keys) {
        if (a.host.empty()) continue;
        const std::string h = !a.port.empty() && a.port != "80" && a.port != "443" ? a.host + ":" + a.port : a.host;
        if (std::find(hosts.begin(), hosts.end(), h) == hosts.end()) hosts.push_back(h);
    }
    std::sort(hosts.begin(), hosts.end());
    return hosts;
}

void check_logging_exportable(const json& logging) {
    for (const auto& [key, value] : logging.items())
        if (key != "logs") throw ExportError("logging." + key, "has no Caddyfile export here yet");
    const json logs = logging.value("logs", json::object());
    for (const auto& [name, log] : logs.items()) {
        const std::string path = "logging.logs." + name;
        for (const auto& [field, value] : log.items()) {
            const bool site_log_field = field == "writer" || field == "encoder" || field == "level" || field == "include";
            // The default log's level DEBUG is the `debug` global option.
            const bool debug = name == "default" && field == "level" && value == "DEBUG";
            if (name == "default" ? field != "exclude" && !debug : !site_log_field)
                throw ExportError(path + "." + field, name == "default" ? "the default log has no Caddyfile form here beyond what site logs exclude"
                                                                        : "has no form in a site's log directive");
        }
        if (name != "default" && log.value("include", json::array()) != json::array({"http.log.access." + name}))
            throw ExportError(path + ".include", "a site's log includes exactly its own access logger, http.log.access." + name);
        if (log.contains("encoder") && (log["encoder"].size() != 1 || !log["encoder"].contains("format")))
            throw ExportError(path + ".encoder", "encoder options have no Caddyfile export here yet");
    }
}

namespace {

std::vector<std::string> writer_lines(const json& writer, const std::string& path) {
    const std::string output = writer.value("output", "");
    if (output != "file") {
        if (writer.size() != 1 || (output != "stdout" && output != "stderr" && output != "discard"))
            throw ExportError(path, "this log writer has no Caddyfile export here yet");
        return {"output " + output};
    }
    std::vector<std::string> options;
    for (const auto& [key, value] : writer.items()) {
        if (key == "output" || key == "filename") continue;
        if (key == "roll" && value == false) options.push_back("roll_disabled");
        else if (key == "roll_gzip" && value == false) options.push_back("roll_uncompressed");
        else if (key == "roll_local_time" && value == true) options.push_back("roll_local_time");
        else if (key == "roll_size_mb" && value.is_number_integer()) options.push_back("roll_size " + value.dump() + "MB");
        else if (key == "roll_keep" && value.is_number_integer()) options.push_back("roll_keep " + value.dump());
        else if (key == "roll_keep_days" && value.is_number_integer()) options.push_back("roll_keep_for " + std::to_string(value.get<int>() * 24) + "h");
        else throw ExportError(path + "." + key, "has no Caddyfile form");
    }
    const std::string filename = writer.value("filename", "");
    if (filename.empty()) throw ExportError(path + ".filename", "a file writer needs a filename");
    if (options.empty()) return {"output file " + quote(filename)};
    std::vector<std::string> lines{"output file " + quote(filename) + " {"};
    for (const auto& o : options) lines.push_back("\t" + o);
    lines.push_back("}");
    return lines;
}

} // namespace

SiteLog site_log(const json& server_logs, const json& logging, const std::vector<SiteAddress>& keys, const std::string& path) {
    if (server_logs.is_null()) return {};
    const bool hostless = std::any_of(keys.begin(), keys.end(), [](const SiteAddress& a) { return a.host.empty(); });
    std::string name;
    bool logged;
    if (hostless) {
        logged = !server_logs.value("skip_unmapped_hosts", false);
        name = server_logs.value("default_logger_name", "");
    } else {
        const json names = server_logs.value("logger_names", json::object());
        const json skipped = server_logs.value("skip_hosts", json::array());
        const auto hosts = log_hosts(keys);
        logged = !hosts.empty();
        for (const auto& h : hosts) {
            if (names.contains(h)) name = names[h];
            else if (std::find(skipped.begin(), skipped.end(), h) != skipped.end()) logged = false;
        }
    }
    if (!logged) return {};
    if (name.empty()) return {"", {"log"}};
    const bool numbered = name.size() > 3 && name.size() < 10 && name.starts_with("log") &&
                          name.find_first_not_of("0123456789", 3) == std::string::npos;
    if (!numbered) throw ExportError(path + ".logger_names", "a Caddyfile names site logs log0, log1, …; \"" + name + "\" has no Caddyfile form");
    const json logs = logging.value("logs", json::object());
    if (!logs.contains(name)) throw ExportError(path + ".logger_names", "names the log \"" + name + "\", which logging.logs does not have");
    const json& log = logs[name];
    std::vector<std::string> lines{"log {"};
    if (log.contains("writer"))
        for (const auto& l : writer_lines(log["writer"], "logging.logs." + name + ".writer")) lines.push_back("\t" + l);
    if (log.contains("encoder")) lines.push_back("\tformat " + log["encoder"].value("format", "json"));
    if (log.contains("level")) lines.push_back("\tlevel " + log["level"].get<std::string>());
    lines.push_back("}");
    return {name, lines};
}

void register_log_directives(std::map<std::string, DirectiveParser>& r) {
    r["log"] = parse_log;
    r["skip_log"] = handler_directive(parse_skip_log);
}

} // namespace proxflow::caddyfile
