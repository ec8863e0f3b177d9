#pragma once
// One upstream's circuit: its phase and the outcomes of its recent attempts, kept with the
// upstream's shared state (UpstreamHost) so every thread and every reload sees the same circuit.
// CircuitBreaker moves it between phases.
#include "modules/reverse_proxy/outcome_window.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>

namespace proxflow {

enum class CircuitPhase : int { closed, open, half_open, ramp_up };
inline constexpr std::array<CircuitPhase, 4> circuit_phases{CircuitPhase::closed, CircuitPhase::open, CircuitPhase::half_open,
                                                            CircuitPhase::ramp_up};
std::string_view phase_name(CircuitPhase phase);
// The share of its full weight a circuit ramping up for ramp_length gets once since_began has passed.
double ramp_share(std::chrono::nanoseconds since_began, std::chrono::nanoseconds ramp_length);

struct CircuitState {
    std::atomic<int> watchers{0}; // upstreams of running configs whose breaker watches this circuit
    std::atomic<CircuitPhase> phase{CircuitPhase::closed};
    std::atomic<std::int64_t> since_ns{0}; // steady clock, when the phase began
    std::atomic<std::int64_t> ramp_ns{0};     // the watching breaker's ramp_up_duration, for status reports
    std::atomic<std::int64_t> recovery_ns{0}; // and its recovery_timeout
    std::atomic<int> trials_in_flight{0};  // half_open
    std::atomic<int> trials_passed{0};     // half_open
    OutcomeWindow window;
    std::array<std::atomic<std::uint64_t>, 4> transitions_to{}; // by phase entered
    std::mutex transition_mutex;                                // phases change under it, rarely
};

} // namespace proxflow
