#pragma once
#include <array>
#include <atomic>

namespace proxflow::metrics {

inline constexpr int max_recording_threads = 256;

namespace detail {
inline thread_local int recording_thread_index = -1;
int claim_recording_thread_index();
} // namespace detail

// The calling thread's index among the live threads that record metrics: claimed on first use (the
// lowest free one) and given back when the thread ends, so two live threads never share one.
// Throws std::length_error past max_recording_threads live recording threads.
inline int recording_thread_index() {
    const int i = detail::recording_thread_index;
    return i >= 0 ? i : detail::claim_recording_thread_index();
}

// Counters shared by every thread (a server's, a route's, an upstream's) split into one shard per
// recording thread, so the request path writes only its own cache lines with a plain load and store,
// as ThreadMetrics does. A shard is allocated by its thread on first use; readers sum the shards
// while the threads record. Shard must be default-constructible; alignas(64) keeps shards apart.
template <typename Shard>
class ThreadShards {
public:
    ThreadShards() = default;
    ThreadShards(const ThreadShards&) = delete;
    ThreadShards& operator=(const ThreadShards&) = delete;
    ~ThreadShards() {
        for (auto& s : shards_) delete s.load(std::memory_order_acquire);
    }

    // The calling thread's shard. Only that thread stores its pointer, so a relaxed load is enough;
    // a thread that inherits an index from an ended one sees its stores through the claim's lock.
    Shard& local() {
        auto& slot = shards_[static_cast<std::size_t>(recording_thread_index())];
        Shard* shard = slot.load(std::memory_order_relaxed);
        if (!shard) {
            shard = new Shard();
            slot.store(shard, std::memory_order_release);
        }
        return *shard;
    }

    template <typename F>
    void for_each(F&& f) const {
        for (const auto& s : shards_)
            if (const Shard* shard = s.load(std::memory_order_acquire)) f(*shard);
    }

private:
    std::array<std::atomic<Shard*>, max_recording_threads> shards_{};
};

} // namespace proxflow::metrics
