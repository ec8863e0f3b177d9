#include "logging/access_log.hpp"

#include "http/client_ip.hpp"
#include "http/request_context.hpp"
#include "routing/host_pattern.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace proxflow {
namespace {

struct WriterSpec {
    std::string output = "stderr";
    std::string filename;
    RollPolicy roll;
};

WriterSpec read_writer(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    WriterSpec w;
    w.output = r.string("output", "stderr");
    w.filename = r.string("filename");
    // As Caddy's FileWriter: rolling is on unless "roll" is false, and a zero keeps lumberjack's default.
    w.roll.enabled = r.boolean("roll", true);
    if (const auto mb = r.integer("roll_size_mb", 0); mb > 0) w.roll.max_bytes = static_cast<std::uint64_t>(mb) * 1024 * 1024;
    w.roll.gzip = r.boolean("roll_gzip", true);
    w.roll.local_time = r.boolean("roll_local_time");
    if (const auto keep = r.integer("roll_keep", 0); keep > 0) w.roll.keep = static_cast<int>(keep);
    if (const auto days = r.integer("roll_keep_days", 0); days > 0) w.roll.keep_days = static_cast<int>(days);
    if (w.output != "stderr" && w.output != "stdout" && w.output != "discard" && w.output != "file")
        throw ConfigError(r.path_of("output"), "log output \"" + w.output + "\" is not supported by ProxFlow yet");
    if (w.output == "file" && w.filename.empty()) throw ConfigError(r.path_of("filename"), "file output needs a filename");
    r.finish();
    return w;
}

} // namespace

void AccessLog::validate_logging(const json& logging, const std::string& path) {
    ObjectReader r(logging, path);
    if (const json* logs = r.take("logs")) {
        const std::string lpath = r.path_of("logs");
        expect_object(*logs, lpath);
        for (auto it = logs->begin(); it != logs->end(); ++it) {
            ObjectReader log(it.value(), join_path(lpath, it.key()));
            if (const json* writer = log.take("writer")) read_writer(*writer, log.path_of("writer"));
            const json* encoder = log.take("encoder");
            LogEncoder::from_json(encoder, log.path_of("encoder"));
            log.string("level");
            const auto include = log.strings("include");
            for (std::size_t i = 0; i < include.size(); ++i) {
                // Only access lines go through the logging app: a log for other loggers would stay empty.
                const std::string& name = include[i];
                const bool access = name == "http.log.access" || name.starts_with("http.log.access.") || std::string("http.log.access").starts_with(name + ".");
                if (!access)
                    throw ConfigError(index_path(log.path_of("include"), i),
                                      "logs of \"" + name + "\" are not supported by ProxFlow yet (only access logs, http.log.access…, go through the logging app; the engine's own lines go to stderr)");
            }
            log.strings("exclude");
            if (log.has("sampling")) throw ConfigError(log.path_of("sampling"), "log sampling is not supported by ProxFlow yet");
            log.finish();
        }
    }
    if (r.has("sink")) throw ConfigError(r.path_of("sink"), "the log sink is not supported by ProxFlow yet");
    r.finish();
}

namespace {

// Caddy's CustomLog.loggerAllowed for a logger name: the longest matching include namespace must
// beat the longest matching exclude one; with neither list every logger is taken.
bool log_takes(const json& log, const std::string& logger) {
    const auto list = [&](const char* key) { return log.contains(key) ? log[key] : json::array(); };
    const json include = list("include"), exclude = list("exclude");
    if (include.empty() && exclude.empty()) return true;
    const std::string name = logger + ".";
    std::size_t accept = 0, reject = 0;
    for (const auto& ns : include)
        if (name.starts_with(ns.get<std::string>() + ".")) accept = std::max(accept, ns.get<std::string>().size());
    if (!include.empty() && accept == 0) return false;
    for (const auto& ns : exclude) {
        if (ns == "*") return false;
        if (name.starts_with(ns.get<std::string>() + ".")) reject = std::max(reject, ns.get<std::string>().size());
    }
    if (reject > accept) return false;
    return accept > reject || (include.empty() && reject == 0);
}

// Access lines are INFO: a log set to a higher level drops them.
bool level_takes_info(const json& log) {
    std::string level = log.value("level", "INFO");
    for (auto& c : level) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return level.empty() || level == "DEBUG" || level == "INFO";
}

// Caddy's console encoder: "2006/01/02 15:04:05.000<TAB>INFO<TAB>logger<TAB>message<TAB>{fields}".
std::string console_line(const json& line) {
    const double ts = line["ts"].get<double>();
    const std::time_t seconds = static_cast<std::time_t>(ts);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char when[32];
    const std::size_t n = std::strftime(when, sizeof when, "%Y/%m/%d %H:%M:%S", &utc);
    std::snprintf(when + n, sizeof when - n, ".%03d", static_cast<int>((ts - static_cast<double>(seconds)) * 1000));
    json fields = line;
    for (const char* key : {"level", "ts", "logger", "msg"}) fields.erase(key);
    return std::string(when) + "\tINFO\t" + line["logger"].get<std::string>() + "\t" + line["msg"].get<std::string>() + "\t" +
           fields.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace

std::optional<AccessLog::Sink> AccessLog::open_writer(const json* writer, const std::string& path, const LogEncoder& encoder) {
    const WriterSpec w = writer ? read_writer(*writer, path) : WriterSpec{};
    if (w.output == "stdout") return Sink{1, nullptr, encoder};
    if (w.output == "stderr") return Sink{2, nullptr, encoder};
    if (w.output == "discard") return std::nullopt;
    try {
        return Sink{-1, RollingFile::open(w.filename, w.roll), encoder};
    } catch (const std::runtime_error& e) {
        throw ConfigError(path, std::string("cannot open access log: ") + e.what());
    }
}

AccessLog::Logger AccessLog::resolve(const std::string& logger_name, const json* logging, const std::string& path) {
    Logger logger{logger_name.empty() ? "http.log.access" : "http.log.access." + logger_name, {}};
    const json logs = logging && logging->contains("logs") ? (*logging)["logs"] : json::object();
    // Without a "default" log, Caddy's default log writes everything to stderr.
    if (!logs.contains("default")) logger.sinks.push_back({2, nullptr, LogEncoder{}});
    for (const auto& [name, log] : logs.items()) {
        if (!log_takes(log, logger.name) || !level_takes_info(log)) continue;
        const LogEncoder encoder = LogEncoder::from_json(log.contains("encoder") ? &log["encoder"] : nullptr, join_path(join_path(path, name), "encoder"));
        const auto sink = open_writer(log.contains("writer") ? &log["writer"] : nullptr, join_path(join_path(path, name), "writer"), encoder);
        if (sink && std::find(logger.sinks.begin(), logger.sinks.end(), *sink) == logger.sinks.end()) logger.sinks.push_back(*sink);
    }
    return logger;
}

std::shared_ptr<AccessLog> AccessLog::from_json(const json& server_logs, const std::string& path, const json* logging) {
    ObjectReader r(server_logs, path);
    auto log = std::make_shared<AccessLog>();
    const std::string default_name = r.string("default_logger_name");
    const json* names = r.take("logger_names");
    log->skip_hosts_ = r.strings("skip_hosts");
    log->skip_unmapped_hosts_ = r.boolean("skip_unmapped_hosts");
    r.boolean("should_log_credentials"); // headers are logged as sent either way
    r.finish();

    log->default_ = log->resolve(default_name, logging, "logging.logs");
    if (names) {
        expect_object(*names, r.path_of("logger_names"));
        for (const auto& [host, name] : names->items()) {
            if (!name.is_string()) throw ConfigError(join_path(r.path_of("logger_names"), host), "expected a logger name (string)");
            std::string lower = host;
            for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            log->by_host_[lower] = log->resolve(name.get<std::string>(), logging, "logging.logs");
        }
    }
    return log;
}

const AccessLog::Logger* AccessLog::logger_for(std::string_view host_header) const {
    std::string host(host_header);
    for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string_view bare = host_without_port(host);
    // A host mapped to a logger is logged; else skip_hosts and skip_unmapped_hosts may drop it.
    const auto mapped = [&](const std::string& key) -> const Logger* {
        if (auto it = by_host_.find(key); it != by_host_.end()) return &it->second;
        if (auto it = by_host_.find(host_without_port(key)); it != by_host_.end()) return &it->second;
        return nullptr;
    };
    if (const Logger* l = mapped(host)) return l;
    for (const auto& skip : skip_hosts_)
        if (host_matches_pattern(bare, skip)) return nullptr;
    // Wildcard names, one label at a time from the left, as Caddy's getLoggerName tries them.
    std::string labels(bare);
    for (std::size_t start = 0; start < labels.size();) {
        const auto dot = labels.find('.', start);
        const std::size_t end = dot == std::string::npos ? labels.size() : dot;
        if (end > start) {
            labels.replace(start, end - start, "*");
            if (const Logger* l = mapped(labels)) return l;
            start += 2;
        } else {
            start = end + 1;
        }
    }
    return skip_unmapped_hosts_ ? nullptr : &default_;
}

void AccessLog::write(const RequestContext& ctx) const {
    if (const std::string* skip = ctx.var("skip_log"); skip && *skip == "true") return;
    const auto& req = ctx.request();
    const Logger* logger = logger_for(req[http::field::host]);
    if (!logger || logger->sinks.empty()) return;
    const double duration = std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.started).count();
    json headers = json::object();
    for (const auto& field : req) headers[std::string(field.name_string())].push_back(std::string(field.value()));
    json line{
        {"level", "info"},
        {"ts", std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count()},
        {"logger", logger->name},
        {"msg", "handled request"},
        {"request",
         {{"remote_ip", ip_text(ctx.remote.address())},
          {"remote_port", std::to_string(ctx.remote.port())},
          {"proto", ctx.client_version == 10 ? "HTTP/1.0" : "HTTP/1.1"},
          {"method", std::string(req.method_string())},
          {"host", std::string(req[http::field::host])},
          {"uri", ctx.original_uri},
          {"headers", headers}}},
        {"duration", duration},
        {"size", ctx.body_bytes_written},
        {"status", ctx.status},
    };
    if (!ctx.upstream_hostport.empty()) line["upstream"] = ctx.upstream_hostport;
    const auto render = [](const json& l, bool console) {
        return console ? console_line(l) : l.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    };
    std::string text, console_text, filtered;
    for (const Sink& sink : logger->sinks) {
        const bool console = sink.encoder.console();
        if (sink.encoder.filtered()) filtered = render(sink.encoder.filter(line), console);
        else if (console && console_text.empty()) console_text = render(line, true);
        else if (!console && text.empty()) text = render(line, false);
        const std::string& out = sink.encoder.filtered() ? filtered : console ? console_text : text;
        if (sink.file) sink.file->write(out);
        else [[maybe_unused]] auto n = ::write(sink.fd, out.data(), out.size());
    }
}

} // namespace proxflow
