#pragma once
#include "config/object_reader.hpp"
#include "logging/log_encoder.hpp"
#include "logging/rolling_file.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxflow {

struct RequestContext;

// JSON-lines access log in Caddy's shape ("logger":"http.log.access", request, status, size, duration).
// Each line goes out in one write(2) to an O_APPEND descriptor, so threads never interleave lines;
// files roll as Caddy's file writer does (RollingFile).
// Which requests are logged, and under which logger name, follows the server's `logs` as Caddy's
// does (logger_names by host, skip_hosts, skip_unmapped_hosts, the skip_log variable); where a logger
// name's lines go follows the top-level logging app (each log's include/exclude, "default" otherwise).
class AccessLog {
public:
    // server.logs enables access logs; where they go comes from the top-level logging app.
    static std::shared_ptr<AccessLog> from_json(const json& server_logs, const std::string& path, const json* logging);
    static void validate_logging(const json& logging, const std::string& path);

    void write(const RequestContext& ctx) const;

private:
    struct Sink {
        int fd;                            // stdout or stderr, when file is null
        std::shared_ptr<RollingFile> file; // shared by every log writing to that name
        LogEncoder encoder; // json or console (time, level, logger and message as text, then JSON), maybe filtered
        bool operator==(const Sink&) const = default;
    };
    struct Logger {
        std::string name;         // http.log.access[.NAME]
        std::vector<Sink> sinks;  // the writer of every log that takes this logger's lines
    };
    Logger resolve(const std::string& logger_name, const json* logging, const std::string& path);
    // The sink a log writer names; nullopt for "discard".
    std::optional<Sink> open_writer(const json* writer, const std::string& path, const LogEncoder& encoder);
    // The logger for a Host header, or nullptr when the request is not to be logged.
    const Logger* logger_for(std::string_view host) const;

    Logger default_;
    std::map<std::string, Logger, std::less<>> by_host_;
    std::vector<std::string> skip_hosts_;
    bool skip_unmapped_hosts_ = false;
};

} // namespace proxflow
