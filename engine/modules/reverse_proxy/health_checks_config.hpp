#pragma once
// reverse_proxy's `health_checks`, spelled as Caddy's reverseproxy.HealthChecks: zero values are
// unset (the runtime applies Caddy's defaults), so what was written reads back the same.
#include "config/object_reader.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace proxflow {

struct HealthChecksConfig {
    // A GET to each upstream every interval; a wrong status, body or timeout marks it down.
    struct Active {
        std::string path; // Caddy's deprecated spelling of uri
        std::string uri;
        int port = 0;
        std::map<std::string, std::vector<std::string>> headers;
        std::chrono::nanoseconds interval{}; // 0 is 30 s
        std::chrono::nanoseconds timeout{};  // 0 is 5 s
        std::int64_t max_size = 0;           // 0 is 1 MiB
        int expect_status = 0;               // 0: any 2xx; < 100: a class (2 = 2xx)
        std::string expect_body;             // a regular expression
        bool operator==(const Active&) const = default;
    };
    // Failed or slow proxied requests count against an upstream for fail_duration.
    struct Passive {
        std::chrono::nanoseconds fail_duration{}; // 0: passive checks off
        int max_fails = 0;                        // 0 is 1
        int unhealthy_request_count = 0;
        std::vector<int> unhealthy_status; // 5 means 5xx
        std::chrono::nanoseconds unhealthy_latency{};
        bool operator==(const Passive&) const = default;
    };
    std::optional<Active> active;
    std::optional<Passive> passive;

    bool operator==(const HealthChecksConfig&) const = default;
    static HealthChecksConfig from_json(const json& value, const std::string& path);
    json to_json() const;
};

} // namespace proxflow
