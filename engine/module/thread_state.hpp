#pragma once
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

namespace proxflow {

// State a module keeps per engine thread (the reverse proxy's idle upstream connections): only that
// thread touches it, so the request path takes no lock. Ticked by the thread's once-a-second sweep;
// cleared on that thread when the engine stops, while its event loop still exists.
class ThreadLocalState {
public:
    virtual ~ThreadLocalState() = default;
    virtual void tick(std::chrono::steady_clock::time_point) {}
    virtual void clear() {}
};

// One engine thread's module states, one per type, made on first use. A type's slot is a number
// given once per process, so finding it is an index, not a lookup.
class ThreadStates {
public:
    template <class T>
    T& get() {
        static const std::size_t slot = next_slot();
        if (slot >= states_.size()) states_.resize(slot + 1);
        auto& state = states_[slot];
        if (!state) state = std::make_unique<T>();
        return static_cast<T&>(*state);
    }

    void tick(std::chrono::steady_clock::time_point now) {
        for (auto& state : states_)
            if (state) state->tick(now);
    }

    void clear() {
        for (auto& state : states_)
            if (state) state->clear();
    }

private:
    static std::size_t next_slot();
    std::vector<std::unique_ptr<ThreadLocalState>> states_;
};

} // namespace proxflow
