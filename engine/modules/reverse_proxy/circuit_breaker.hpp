#pragma once
// A reverse_proxy's `circuit_breaker`: its thresholds, applied to the circuit of each upstream it
// proxies to (kept with the upstream, so shared by every thread and every config). Policies ask
// selectable() while they pick; the handler brackets each attempt with begin() and finish().
#include "metrics/snapshot.hpp"
#include "modules/reverse_proxy/circuit_breaker_config.hpp"
#include "modules/reverse_proxy/circuit_state.hpp"

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace proxflow {

struct Upstream;
struct UpstreamHost;

// The latest circuit transitions of an engine, for the admin API and the dashboard.
class CircuitEventLog {
public:
    static constexpr std::size_t capacity = 100;
    void add(metrics::CircuitEvent event);
    std::vector<metrics::CircuitEvent> latest() const; // oldest first

private:
    mutable std::mutex mutex_;
    std::deque<metrics::CircuitEvent> events_;
};

class CircuitBreaker {
public:
    using Clock = std::chrono::steady_clock;
    enum class Attempt { normal, trial, refused };

    CircuitBreaker(const CircuitBreakerConfig& config, std::shared_ptr<CircuitEventLog> events);

    // Sets host's circuit window to these settings (the config built last sets it).
    void watch(UpstreamHost& host) const;
    // Whether a selection policy may pick host now: closed; half-open with a trial free (open turns
    // half-open here once recovery_timeout has passed); ramping up, at random with its share f(t).
    bool selectable(UpstreamHost& host) const;
    // After host was picked: a half-open circuit gives this attempt one of its trials, or refuses it
    // when another request took the last one meanwhile (pick again).
    Attempt begin(UpstreamHost& host) const;
    // Records the attempt's outcome and makes the transitions it causes.
    void finish(UpstreamHost& host, Attempt attempt, bool failed) const;
    bool is_failure(unsigned status, std::chrono::nanoseconds time_to_header) const;
    // Whole seconds (at least 1) until the first open circuit of pool half-opens; 0 when none is open.
    long retry_after(const std::vector<Upstream>& pool) const;

    // While one lives on this thread, ramping-up upstreams are selectable without the draw: a
    // request that found no other upstream goes to them rather than failing.
    class FullShare {
    public:
        FullShare();
        ~FullShare();
        FullShare(const FullShare&) = delete;
        FullShare& operator=(const FullShare&) = delete;
    };

private:
    // Moves host from one phase to another unless another thread moved it first; logs and records why.
    bool enter(UpstreamHost& host, CircuitPhase from, CircuitPhase to, const std::string& reason, Clock::time_point now) const;
    void judge_window(UpstreamHost& host, CircuitPhase phase, Clock::time_point now) const;

    CircuitBreakerConfig config_;
    std::shared_ptr<CircuitEventLog> events_;
};

} // namespace proxflow
