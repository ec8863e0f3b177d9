#include "metrics/thread_shards.hpp"

#include <bitset>
#include <mutex>
#include <stdexcept>

namespace proxflow::metrics::detail {
namespace {

std::mutex claims_mutex;
std::bitset<max_recording_threads> claimed;

// Gives the thread's index back when the thread ends.
struct Claim {
    ~Claim() {
        std::lock_guard lock(claims_mutex);
        claimed.reset(static_cast<std::size_t>(recording_thread_index));
        recording_thread_index = -1;
    }
};

} // namespace

int claim_recording_thread_index() {
    {
        std::lock_guard lock(claims_mutex);
        std::size_t i = 0;
        while (i < claimed.size() && claimed.test(i)) ++i;
        if (i == claimed.size()) throw std::length_error("more than 256 threads record metrics at once");
        claimed.set(i);
        recording_thread_index = static_cast<int>(i);
    }
    thread_local Claim claim;
    return recording_thread_index;
}

} // namespace proxflow::metrics::detail
