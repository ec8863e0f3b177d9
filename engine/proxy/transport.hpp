#pragma once
#include "config/object_reader.hpp"

#include <chrono>

namespace proxflow {

// The `transport` of a reverse_proxy: how upstream connections are made and kept.
struct HttpTransportConfig {
    std::chrono::nanoseconds dial_timeout{std::chrono::seconds(3)};
    std::chrono::nanoseconds response_header_timeout{};
    std::chrono::nanoseconds read_timeout{};
    std::chrono::nanoseconds write_timeout{};
    bool keep_alive = true;
    std::chrono::nanoseconds keep_alive_idle_timeout{std::chrono::minutes(2)};
    std::size_t max_idle_conns_per_host = 256; // per engine thread
    std::size_t max_response_header_size = 1 << 20;

    static HttpTransportConfig from_json(const json& value, const std::string& path);
};

} // namespace proxflow
