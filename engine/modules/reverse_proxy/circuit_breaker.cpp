#include "modules/reverse_proxy/circuit_breaker.hpp"

#include "logging/log_line.hpp"
#include "modules/reverse_proxy/random_draw.hpp"
#include "modules/reverse_proxy/upstream.hpp"
#include "http/status_code.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace proxflow {
namespace {

thread_local int full_share_depth = 0;

std::string fixed(double value, int digits) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", digits, value);
    return text;
}

std::string seconds_text(std::chrono::nanoseconds d) { return fixed(std::chrono::duration<double>(d).count(), 3) + "s"; }

std::int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

std::string_view phase_name(CircuitPhase phase) {
    switch (phase) {
    case CircuitPhase::closed: return "closed";
    case CircuitPhase::open: return "open";
    case CircuitPhase::half_open: return "half_open";
    case CircuitPhase::ramp_up: return "ramp_up";
    }
    return "closed";
}

double ramp_share(std::chrono::nanoseconds since_began, std::chrono::nanoseconds ramp_length) {
    if (ramp_length.count() <= 0) return 1;
    // Envoy's slow start and NGINX Plus's slow_start both start from a floor, so the first requests
    // show soon whether the upstream works: 10 %, Envoy's default min_weight_percent.
    const double linear = static_cast<double>(since_began.count()) / static_cast<double>(ramp_length.count());
    return std::clamp(linear, 0.1, 1.0);
}

void CircuitEventLog::add(metrics::CircuitEvent event) {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
    if (events_.size() > capacity) events_.pop_front();
}

std::vector<metrics::CircuitEvent> CircuitEventLog::latest() const {
    std::lock_guard lock(mutex_);
    return {events_.begin(), events_.end()};
}

CircuitBreaker::FullShare::FullShare() { ++full_share_depth; }
CircuitBreaker::FullShare::~FullShare() { --full_share_depth; }

CircuitBreaker::CircuitBreaker(const CircuitBreakerConfig& config, std::shared_ptr<CircuitEventLog> events)
    : config_(config), events_(std::move(events)) {}

void CircuitBreaker::watch(UpstreamHost& host) const {
    host.circuit.window.set_length(config_.evaluation_window);
    host.circuit.ramp_ns.store(config_.ramp_up_duration.count(), std::memory_order_relaxed);
    host.circuit.recovery_ns.store(config_.recovery_timeout.count(), std::memory_order_relaxed);
}


bool CircuitBreaker::selectable(UpstreamHost& host) const {
    CircuitState& c = host.circuit;
    const auto now = Clock::now();
    const auto since = Clock::time_point(Clock::duration(c.since_ns.load(std::memory_order_acquire)));
    switch (c.phase.load(std::memory_order_acquire)) {
    case CircuitPhase::closed: return true;
    case CircuitPhase::open:
        if (now - since < config_.recovery_timeout) return false;
        enter(host, CircuitPhase::open, CircuitPhase::half_open, "recovery_timeout " + seconds_text(config_.recovery_timeout) + " passed", now);
        return selectable(host);
    case CircuitPhase::half_open: return c.trials_in_flight.load(std::memory_order_relaxed) < config_.half_open_max_requests;
    case CircuitPhase::ramp_up:
        if (now - since >= config_.ramp_up_duration) {
            enter(host, CircuitPhase::ramp_up, CircuitPhase::closed,
                  "ramp_up_duration " + seconds_text(config_.ramp_up_duration) + " passed", now);
            return true;
        }
        return full_share_depth > 0 || random_unit() < ramp_share(now - since, config_.ramp_up_duration);
    }
    return true;
}

CircuitBreaker::Attempt CircuitBreaker::begin(UpstreamHost& host) const {
    CircuitState& c = host.circuit;
    switch (c.phase.load(std::memory_order_acquire)) {
    case CircuitPhase::closed:
    case CircuitPhase::ramp_up: return Attempt::normal;
    case CircuitPhase::open: return Attempt::refused;
    case CircuitPhase::half_open: break;
    }
    int taken = c.trials_in_flight.load(std::memory_order_relaxed);
    while (taken < config_.half_open_max_requests)
        if (c.trials_in_flight.compare_exchange_weak(taken, taken + 1, std::memory_order_acq_rel)) return Attempt::trial;
    return Attempt::refused;
}

void CircuitBreaker::finish(UpstreamHost& host, Attempt attempt, bool failed) const {
    CircuitState& c = host.circuit;
    const auto now = Clock::now();
    c.window.record(failed, now);
    if (attempt == Attempt::trial) {
        c.trials_in_flight.fetch_sub(1, std::memory_order_acq_rel);
        if (failed) {
            enter(host, CircuitPhase::half_open, CircuitPhase::open, "a half-open trial failed", now);
        } else if (c.trials_passed.fetch_add(1, std::memory_order_acq_rel) + 1 >= config_.half_open_max_requests) {
            const std::string reason = std::to_string(config_.half_open_max_requests) + " of " +
                                       std::to_string(config_.half_open_max_requests) + " half-open trials succeeded";
            enter(host, CircuitPhase::half_open, config_.ramp_up_duration.count() > 0 ? CircuitPhase::ramp_up : CircuitPhase::closed,
                  reason, now);
        }
        return;
    }
    if (!failed) return;
    const CircuitPhase phase = c.phase.load(std::memory_order_acquire);
    if (phase == CircuitPhase::closed || phase == CircuitPhase::ramp_up) judge_window(host, phase, now);
}

void CircuitBreaker::judge_window(UpstreamHost& host, CircuitPhase phase, Clock::time_point now) const {
    const auto totals = host.circuit.window.totals(now);
    if (totals.attempts < static_cast<std::uint64_t>(config_.min_requests) || totals.failure_rate() < config_.failure_threshold) return;
    enter(host, phase, CircuitPhase::open,
          "failure rate " + fixed(totals.failure_rate(), 3) + " >= " + fixed(config_.failure_threshold, 3) + " over " +
              std::to_string(totals.attempts) + " attempts in " + seconds_text(config_.evaluation_window),
          now);
}

bool CircuitBreaker::enter(UpstreamHost& host, CircuitPhase from, CircuitPhase to, const std::string& reason, Clock::time_point now) const {
    CircuitState& c = host.circuit;
    OutcomeWindow::Totals totals;
    {
        std::lock_guard lock(c.transition_mutex);
        if (c.phase.load(std::memory_order_relaxed) != from) return false;
        totals = c.window.totals(now);
        if (to == CircuitPhase::half_open) c.trials_passed.store(0, std::memory_order_relaxed);
        // Ramp-up is judged on its own attempts, not on those that opened the circuit.
        if (to == CircuitPhase::ramp_up) c.window.clear();
        c.since_ns.store(now.time_since_epoch().count(), std::memory_order_relaxed);
        c.phase.store(to, std::memory_order_release);
        c.transitions_to[static_cast<std::size_t>(to)].fetch_add(1, std::memory_order_relaxed);
    }
    // Recovered: the adaptive policy's history of it (failures weigh a second each) is of the
    // upstream that failed; it starts again with the average weight and the ramp governs its return.
    if (from == CircuitPhase::half_open && to != CircuitPhase::open) {
        std::lock_guard lock(host.load.mutex);
        host.load.means_ms.clear();
        host.load.predicted_ms.store(-1, std::memory_order_relaxed);
    }
    metrics::CircuitEvent event{unix_ms_now(), host.dial, std::string(phase_name(from)), std::string(phase_name(to)), reason};
    log_line(to == CircuitPhase::open ? "warn" : "info", "http.handlers.reverse_proxy.circuit_breaker",
             "circuit " + event.to + ": " + reason,
             {{"upstream", host.dial}, {"from", event.from}, {"to", event.to}, {"reason", reason},
              {"failure_rate", totals.failure_rate()}, {"attempts", totals.attempts}, {"failures", totals.failures}});
    if (events_) events_->add(std::move(event));
    return true;
}

bool CircuitBreaker::is_failure(unsigned status, std::chrono::nanoseconds time_to_header) const {
    return any_status_matches(status, config_.failure_status) || time_to_header > config_.latency_threshold;
}

long CircuitBreaker::retry_after(const std::vector<Upstream>& pool) const {
    const auto now = Clock::now();
    std::chrono::nanoseconds soonest = std::chrono::nanoseconds::max();
    for (const auto& up : pool) {
        const CircuitState& c = up.host->circuit;
        if (c.phase.load(std::memory_order_acquire) != CircuitPhase::open) continue;
        const auto since = Clock::time_point(Clock::duration(c.since_ns.load(std::memory_order_relaxed)));
        soonest = std::min(soonest, std::chrono::duration_cast<std::chrono::nanoseconds>(since + config_.recovery_timeout - now));
    }
    if (soonest == std::chrono::nanoseconds::max()) return 0;
    return std::max<long>(1, static_cast<long>(std::ceil(std::chrono::duration<double>(soonest).count())));
}

} // namespace proxflow
