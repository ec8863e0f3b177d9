#pragma once
// The random draws of load balancing and the circuit breaker: one generator per thread, so a draw
// takes no lock.
#include <cstdint>

namespace proxflow {

std::uint64_t random_below(std::uint64_t n); // uniform in [0, n); 0 when n is 0
double random_unit();                         // uniform in [0, 1)

} // namespace proxflow
