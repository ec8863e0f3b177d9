#include "logging/access_log.hpp"

#include "http/request_context.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace proxflow {
namespace {

struct WriterSpec {
    std::string output = "stderr";
    std::string filename;
};

WriterSpec read_writer(const json& value, const std::string& path) {
    ObjectReader r(value, path);
    WriterSpec w;
    w.output = r.string("output", "stderr");
    w.filename = r.string("filename");
    for (const char* roll : {"roll", "roll_size_mb", "roll_gzip", "roll_local_time", "roll_keep", "roll_keep_days"}) r.take(roll);
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
            if (const json* encoder = log.take("encoder")) {
                ObjectReader e(*encoder, log.path_of("encoder"));
                const std::string format = e.string("format", "json");
                if (format != "json" && format != "console")
                    throw ConfigError(e.path_of("format"), "log format \"" + format + "\" is not supported by ProxFlow yet");
                e.raw(); // encoder options such as time_format are tolerated
                for (auto f = encoder->begin(); f != encoder->end(); ++f) e.skip(f.key());
            }
            log.string("level");
            log.strings("include");
            log.strings("exclude");
            log.take("sampling");
            log.finish();
        }
    }
    r.take("sink");
    r.finish();
}

std::shared_ptr<AccessLog> AccessLog::from_json(const json& server_logs, const std::string& path, const json* logging) {
    ObjectReader r(server_logs, path);
    const std::string logger = r.string("default_logger_name");
    r.take("logger_names");
    r.strings("skip_hosts");
    r.boolean("skip_unmapped_hosts");
    r.boolean("should_log_credentials");
    r.finish();

    auto log = std::make_shared<AccessLog>();
    log->logger_name_ = logger.empty() ? "http.log.access" : "http.log.access." + logger;
    WriterSpec writer;
    if (logging && logging->contains("logs")) {
        const json& logs = (*logging)["logs"];
        const json* chosen = logs.contains("default") ? &logs["default"] : nullptr;
        for (auto it = logs.begin(); it != logs.end(); ++it) {
            if (!it.value().contains("include")) continue;
            for (const auto& inc : it.value()["include"])
                if (inc == log->logger_name_ || inc == "http.log.access") chosen = &it.value();
        }
        if (chosen && chosen->contains("writer")) writer = read_writer((*chosen)["writer"], "logging.logs");
    }
    if (writer.output == "stdout") log->fd_ = 1;
    else if (writer.output == "discard") log->fd_ = -1;
    else if (writer.output == "file") {
        log->fd_ = ::open(writer.filename.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (log->fd_ < 0) throw ConfigError(path, "cannot open access log " + writer.filename + ": " + std::strerror(errno));
        log->owns_fd_ = true;
    }
    return log;
}

AccessLog::~AccessLog() {
    if (owns_fd_) ::close(fd_);
}

void AccessLog::write(const RequestContext& ctx) const {
    if (fd_ < 0) return;
    const auto& req = ctx.request();
    const double duration = std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.started).count();
    json headers = json::object();
    for (const auto& field : req) headers[std::string(field.name_string())].push_back(std::string(field.value()));
    json line{
        {"level", "info"},
        {"ts", std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count()},
        {"logger", logger_name_},
        {"msg", "handled request"},
        {"request",
         {{"remote_ip", ctx.remote.address().to_string()},
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
    std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace);
    text += '\n';
    [[maybe_unused]] auto n = ::write(fd_, text.data(), text.size());
}

} // namespace proxflow
