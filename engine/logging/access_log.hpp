#pragma once
#include "config/object_reader.hpp"

#include <memory>
#include <string>

namespace proxflow {

struct RequestContext;

// JSON-lines access log in Caddy's shape ("logger":"http.log.access", request, status, size, duration).
// Each line goes out in one write(2) to an O_APPEND descriptor, so threads never interleave lines.
class AccessLog {
public:
    ~AccessLog();
    // server.logs enables access logs; where they go comes from the top-level logging app.
    static std::shared_ptr<AccessLog> from_json(const json& server_logs, const std::string& path, const json* logging);
    static void validate_logging(const json& logging, const std::string& path);

    void write(const RequestContext& ctx) const;

private:
    int fd_ = 2;
    bool owns_fd_ = false;
    std::string logger_name_;
};

} // namespace proxflow
