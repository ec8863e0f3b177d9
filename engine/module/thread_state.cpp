#include "module/thread_state.hpp"

#include <atomic>

namespace proxflow {

std::size_t ThreadStates::next_slot() {
    static std::atomic<std::size_t> next{0};
    return next.fetch_add(1, std::memory_order_relaxed);
}

} // namespace proxflow
