#pragma once
// When the engine stops serving once a stop with a shutdown_delay has begun (Caddy's shutdownAt),
// for the {http.shutting_down} and {http.time_until_shutdown} placeholders that health endpoints
// answer with, so a load balancer drains the instance before it goes.
#include <chrono>
#include <optional>

namespace proxflow {

void announce_shutdown(std::chrono::steady_clock::time_point at);
std::optional<std::chrono::steady_clock::time_point> announced_shutdown();

} // namespace proxflow
