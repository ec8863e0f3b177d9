// `log` and `skip_log`, as Caddy 2.6 adapts them, and the global `log` option. A site's `log` with
// options becomes a named custom log ("log0", "log1", … across the whole Caddyfile) that includes
// only this site's access logger; a bare `log` turns access logging on with the default logger. The
// adapter maps the site's hosts to the name (server.logs) and adds the log to the top-level logging
// app. The global `log [name]` configures a log by name ("default" without one), with include and exclude.
#include "caddyfile/log_directive.hpp"

#include "caddyfile/directives.hpp"
#include "caddyfile/exporter.hpp"
#include "caddyfile/helper.hpp"
#include "caddyfile/log_encoder.hpp"
#include "config/object_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace proxflow::caddyfile {
namespace {

// output file NAME { roll_* } as Caddy's FileWriter: sizes in whole MiB (rounded up), keep_for in whole days.
json parse_file_writer(Dispenser& d) {
    if (!d.next_arg()) d.wrong_args();
    json writer{{"output", "file"}, {"filename", d.val()}};
    if (d.next_arg()) d.wrong_args();
    for (const int nesting = d.nesting(); d.next_block(nesting);) {
        const std::string option = d.val();
        if (option == "roll_disabled") {
            writer["roll"] = false;
        } else if (option == "roll_uncompressed") {
            writer["roll_gzip"] = false;
        } else if (option == "roll_local_time") {
            writer["roll_local_time"] = true;
        } else if (option == "roll_size" || option == "roll_keep" || option == "roll_keep_for") {
            if (!d.next_arg()) d.wrong_args();
            const std::string value = d.val();
            if (option == "roll_size") {
                writer["roll_size_mb"] = static_cast<std::int64_t>(std::ceil(static_cast<double>(parse_size(d, value)) / (1024.0 * 1024.0)));
            } else if (option == "roll_keep") {
                int keep = 0;
                const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), keep);
                if (ec != std::errc() || end != value.data() + value.size())
                    d.fail("parsing roll_keep number: strconv.Atoi: parsing \"" + value + "\": invalid syntax");
                writer["roll_keep"] = keep;
            } else {
                const double days = static_cast<double>(parse_caddy_duration(d, value)) / (24.0 * 3600 * 1e9);
                writer["roll_keep_days"] = static_cast<std::int64_t>(std::ceil(days));
            }
            if (d.next_arg()) d.wrong_args();
        } else {
            d.fail("unrecognized subdirective: " + option);
        }
    }
    return writer;
}

// The body of a `log` block (Caddy's parseLogHelper): output, format, level, and for the global
// option include and exclude.
json parse_custom_log(Dispenser& d, bool global) {
    json log = json::object();
    while (d.next_block(0)) {
        const std::string option = d.val();
        if (option == "output") {
            if (!d.next_arg()) d.wrong_args();
            const std::string output = d.val();
            if (output == "file") log["writer"] = parse_file_writer(d);
            else if (output == "stdout" || output == "stderr" || output == "discard") log["writer"] = {{"output", output}};
            else d.fail("log output '" + output + "' is not supported by ProxFlow yet");
        } else if (option == "format") {
            if (!d.next_arg()) d.wrong_args();
            log["encoder"] = parse_log_encoder(d);
        } else if (option == "level") {
            if (!d.next_arg()) d.wrong_args();
            log["level"] = d.val();
            if (d.next_arg()) d.wrong_args();
        } else if ((option == "include" || option == "exclude")) {
            if (!global) d.wrong_args();
            for (const auto& name : d.remaining_args()) log[option].push_back(name);
        } else {
            d.fail("unrecognized subdirective: " + option);
        }
    }
    return log;
}

std::vector<ConfigValue> parse_log(Helper& h) {
    h.d.next();
    if (h.d.next_arg()) h.d.wrong_args();
    json log = parse_custom_log(h.d, false);
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

void parse_global_log(Dispenser& d, json& logs) {
    d.next();
    std::string name = "default";
    if (d.next_arg()) {
        name = d.val();
        if (d.next_arg()) d.wrong_args();
    }
    for (const auto& entry : logs)
        if (entry["name"] == name) d.fail("duplicate global log option for: " + name);
    logs.push_back({{"name", name}, {"log", parse_custom_log(d, true)}});
}

std::vector<std::string> log_hosts(const std::vector<SiteAddress>& keys) {
    std::vector<std::string> hosts;
    for (const auto& a : keys) {
        if (a.host.empty()) continue;
        const bool own_port = !a.port.empty() && a.port != "80" && a.port != "443";
        const std::string h = !own_port ? a.host : a.host.find(':') != std::string::npos ? "[" + a.host + "]:" + a.port : a.host + ":" + a.port;
        if (std::find(hosts.begin(), hosts.end(), h) == hosts.end()) hosts.push_back(h);
    }
    std::sort(hosts.begin(), hosts.end());
    return hosts;
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
        // MiB: Caddy reads "MB" as 10^6 bytes and rounds up to whole MiB.
        else if (key == "roll_size_mb" && value.is_number_integer() && value.get<std::int64_t>() > 0) options.push_back("roll_size " + value.dump() + "MiB");
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

std::string list_line(const std::string& keyword, const json& names, const std::string& path) {
    std::string line = keyword;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (!names[i].is_string() || names[i].get<std::string>().empty()) throw ExportError(index_path(path, i), "expected a logger name");
        line += " " + quote(names[i].get<std::string>());
    }
    return line;
}

// A `log` block: `opening {` … `}`, or just `opening` when the log says nothing.
std::vector<std::string> log_block(const std::string& opening, const json& log, const json& exclude, const std::string& path, bool global) {
    std::vector<std::string> body;
    for (const auto& [field, value] : log.items()) {
        const bool known = field == "writer" || field == "encoder" || field == "level" || (global && (field == "include" || field == "exclude"));
        if (!known) throw ExportError(path + "." + field, global ? "has no Caddyfile form in a log option" : "has no form in a site's log directive");
    }
    if (log.contains("writer"))
        for (const auto& l : writer_lines(log["writer"], path + ".writer")) body.push_back(l);
    if (log.contains("encoder"))
        for (const auto& l : log_encoder_lines(log["encoder"], path + ".encoder")) body.push_back(l);
    if (log.contains("level")) {
        if (!log["level"].is_string() || log["level"].get<std::string>().empty()) throw ExportError(path + ".level", "expected a level name");
        body.push_back("level " + quote(log["level"]));
    }
    if (global && log.contains("include") && !log["include"].empty()) body.push_back(list_line("include", log["include"], path + ".include"));
    if (global && !exclude.empty()) body.push_back(list_line("exclude", exclude, path + ".exclude"));
    if (body.empty()) return {opening};
    std::vector<std::string> lines{opening + " {"};
    for (const auto& l : body) lines.push_back("\t" + l);
    lines.push_back("}");
    return lines;
}

bool is_site_log_name(const std::string& name) {
    return name.size() > 3 && name.size() < 10 && name.starts_with("log") && name.find_first_not_of("0123456789", 3) == std::string::npos;
}

} // namespace

void check_logging_exportable(const json& logging) {
    for (const auto& [key, value] : logging.items())
        if (key != "logs") throw ExportError("logging." + key, "has no Caddyfile export here yet");
}

GlobalLogs global_logs(const json& logging, const std::set<std::string>& site_logs) {
    const json logs = logging.value("logs", json::object());
    if (!logs.is_object()) throw ExportError("logging.logs", "expected an object of logs");
    GlobalLogs out;
    // What the adapter adds to the default log's exclude: every other log's include, after the
    // default's own exclude list; what is left before that tail is the default's own.
    std::set<std::string> included;
    for (const auto& [name, log] : logs.items())
        if (name != "default")
            for (const auto& inc : log.value("include", json::array())) included.insert(inc.dump());
    const json def = logs.value("default", json::object());
    json own_exclude = def.value("exclude", json::array());
    std::size_t own = own_exclude.size();
    while (own > 0 && included.contains(own_exclude[own - 1].dump())) --own;
    const json tail(own_exclude.begin() + static_cast<long>(own), own_exclude.end());
    own_exclude.erase(own_exclude.begin() + static_cast<long>(own), own_exclude.end());
    // `debug` sets DEBUG on every log that names no level.
    out.debug = def.value("level", "") == "DEBUG" &&
                std::all_of(logs.begin(), logs.end(), [](const json& log) { return log.contains("level"); });
    json default_rest = def;
    default_rest.erase("exclude");
    if (out.debug) default_rest.erase("level");
    if (logs.contains("default") && (!default_rest.empty() || !own_exclude.empty()))
        for (auto& l : log_block("log", def, own_exclude, "logging.logs.default", true)) out.lines.push_back(std::move(l));
    // Global logs in the order their includes sit in the default's exclude tail.
    std::vector<std::pair<std::size_t, std::string>> order;
    for (const auto& [name, log] : logs.items()) {
        if (name == "default" || site_logs.contains(name)) continue;
        if (is_site_log_name(name)) throw ExportError("logging.logs." + name, "no site's hosts are mapped to this log, so no site's log directive can say it");
        std::size_t at = tail.size();
        const json inc = log.value("include", json::array());
        if (!inc.empty())
            if (auto it = std::find(tail.begin(), tail.end(), inc[0]); it != tail.end()) at = static_cast<std::size_t>(it - tail.begin());
        order.emplace_back(at, name);
    }
    std::stable_sort(order.begin(), order.end());
    for (const auto& [at, name] : order)
        for (auto& l : log_block("log " + quote(name), logs[name], logs[name].value("exclude", json::array()), "logging.logs." + name, true))
            out.lines.push_back(std::move(l));
    return out;
}

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
    if (!is_site_log_name(name)) throw ExportError(path + ".logger_names", "a Caddyfile names site logs log0, log1, …; \"" + name + "\" has no Caddyfile form");
    const json logs = logging.value("logs", json::object());
    if (!logs.contains(name)) throw ExportError(path + ".logger_names", "names the log \"" + name + "\", which logging.logs does not have");
    json log = logs[name];
    const std::string lpath = "logging.logs." + name;
    if (log.value("include", json::array()) != json::array({"http.log.access." + name}))
        throw ExportError(lpath + ".include", "a site's log includes exactly its own access logger, http.log.access." + name);
    log.erase("include");
    return {name, log_block("log", log, json::array(), lpath, false)};
}

void register_log_directives(std::map<std::string, DirectiveParser>& r) {
    r["log"] = parse_log;
    r["skip_log"] = handler_directive(parse_skip_log);
}

} // namespace proxflow::caddyfile
