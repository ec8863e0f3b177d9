#pragma once
// A metric family a module declares (Envoy's per-filter stats): a name, a help text and one counter
// per label set. Kept in the engine's UsagePool under its name, so counts survive reloads, and read
// into every snapshot generically: nothing central names a module's metrics.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace proxflow::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>; // in the order written

struct FamilySample {
    std::string name;
    std::string help;
    std::vector<std::pair<Labels, std::uint64_t>> counters;
    std::string type = "counter"; // or "gauge" (a module's status adds those: keys a zone tracks now)
};

class CounterFamily {
public:
    CounterFamily(std::string name, std::string help) : name_(std::move(name)), help_(std::move(help)) {}

    // The counter of one label set; its address is stable for the family's life, so a handler
    // takes it once at build time and adds to it (relaxed) on the request path.
    std::atomic<std::uint64_t>& counter(const Labels& labels) {
        std::lock_guard lock(mutex_);
        auto& slot = counters_[labels];
        if (!slot) slot = std::make_unique<std::atomic<std::uint64_t>>(0);
        return *slot;
    }

    FamilySample sample() const {
        std::lock_guard lock(mutex_);
        FamilySample out{name_, help_, {}};
        for (const auto& [labels, value] : counters_) out.counters.emplace_back(labels, value->load(std::memory_order_relaxed));
        return out;
    }

private:
    const std::string name_, help_;
    mutable std::mutex mutex_;
    std::map<Labels, std::unique_ptr<std::atomic<std::uint64_t>>> counters_;
};

} // namespace proxflow::metrics
