// `log` and `skip_log`, as Caddy 2.6 adapts them. A `log` with options becomes a named custom log
// ("log0", "log1", … across the whole Caddyfile) that includes only this site's access logger; a
// bare `log` turns access logging on with the default logger. The adapter maps the site's hosts to
// the name (server.logs) and adds the log to the top-level logging app.
#include "caddyfile/directives.hpp"
#include "caddyfile/helper.hpp"

#include <cmath>

namespace proxflow::caddyfile {
namespace {

// output file NAME { roll_* } as Caddy's FileWriter: sizes in whole MB, keep_for in whole days.
json parse_file_writer(Helper& h) {
    if (!h.d.next_arg()) h.d.wrong_args();
    json writer{{"output", "file"}, {"filename", h.d.val()}};
    if (h.d.next_arg()) h.d.wrong_args();
    while (h.d.next_block(2)) {
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
                writer["roll_size_mb"] = static_cast<std::int64_t>(std::ceil(static_cast<double>(parse_size(h.d, value)) / 1e6));
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

void register_log_directives(std::map<std::string, DirectiveParser>& r) {
    r["log"] = parse_log;
    r["skip_log"] = handler_directive(parse_skip_log);
}

} // namespace proxflow::caddyfile
