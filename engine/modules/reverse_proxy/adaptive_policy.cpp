#include "modules/reverse_proxy/adaptive_policy.hpp"

#include "modules/reverse_proxy/random_draw.hpp"

#include <algorithm>
#include <atomic>

namespace proxflow {
namespace {

using Clock = std::chrono::steady_clock;

// Below this a prediction is noise; it also keeps 1/prediction finite.
constexpr double min_prediction_ms = 0.001;

// The available upstreams of the request being placed, each with the running total of the weights
// up to it; one per thread, so placing a request allocates nothing.
using Candidates = std::vector<std::pair<const Upstream*, double>>;
Candidates& candidates_of_thread() {
    thread_local Candidates candidates;
    return candidates;
}

const Upstream* draw(const Candidates& candidates, double total) {
    const double at = random_unit() * total;
    for (const auto& [up, cumulative] : candidates)
        if (at < cumulative) return up;
    return candidates.back().first;
}

class AdaptivePolicy final : public SelectionPolicy {
public:
    explicit AdaptivePolicy(const AdaptiveSettings& settings)
        : settings_(settings), next_update_ns_((Clock::now() + settings.update_interval).time_since_epoch().count()) {}

    const Upstream* select(const std::vector<Upstream>& pool, RequestContext&) const override {
        update_if_due(pool);
        Candidates& candidates = candidates_of_thread();
        candidates.clear();
        double total = 0;
        for (const auto& up : pool) {
            if (!up.available()) continue;
            // A half-open circuit's trials go at once: they decide whether it comes back, and
            // there are at most half_open_max_requests of them.
            if (up.breaker && up.host->circuit.phase.load(std::memory_order_relaxed) == CircuitPhase::half_open) return &up;
            double w = up.host->load.weight.load(std::memory_order_relaxed);
            if (w <= 0) w = 1.0 / static_cast<double>(pool.size()); // before the first update: equal
            total += w;
            candidates.emplace_back(&up, total);
        }
        if (candidates.empty()) return nullptr;
        if (candidates.size() == 1) return candidates.front().first;
        // Two independent draws: both land on an upstream with its weight squared, which is how one
        // predicted slow still gets the few requests that show when it has recovered.
        const Upstream* a = draw(candidates, total);
        const Upstream* b = draw(candidates, total);
        if (b == a) return a;
        const double cost_a = cost(*a), cost_b = cost(*b);
        if (cost_a != cost_b) return cost_a < cost_b ? a : b;
        return random_unit() < 0.5 ? a : b;
    }

private:
    double cost(const Upstream& up) const {
        double predicted = up.host->load.predicted_ms.load(std::memory_order_relaxed);
        if (predicted < 0) predicted = mean_prediction_ms_.load(std::memory_order_relaxed);
        return predicted * (up.host->active_requests.load(std::memory_order_relaxed) + 1);
    }

    // Whether up could be picked now, without spending a ramping-up circuit's draw.
    static bool pickable(const Upstream& up) {
        if (!up.healthy() || up.full()) return false;
        return !up.breaker || up.host->circuit.phase.load(std::memory_order_relaxed) != CircuitPhase::open;
    }

    // One thread per interval closes it: the others go on with the weights they find.
    void update_if_due(const std::vector<Upstream>& pool) const {
        const std::int64_t now = Clock::now().time_since_epoch().count();
        std::int64_t due = next_update_ns_.load(std::memory_order_relaxed);
        if (now < due) return;
        if (!next_update_ns_.compare_exchange_strong(due, now + settings_.update_interval.count(), std::memory_order_relaxed)) return;
        std::vector<double> predictions;
        predictions.reserve(pool.size());
        double known_sum = 0;
        int known = 0;
        for (const auto& up : pool) {
            LoadHistory& load = up.host->load;
            const auto attempts = load.interval_attempts.exchange(0, std::memory_order_relaxed);
            const auto micros = load.interval_micros.exchange(0, std::memory_order_relaxed);
            std::lock_guard lock(load.mutex);
            if (attempts) {
                load.means_ms.push_back(static_cast<double>(micros) / 1000.0 / static_cast<double>(attempts));
                while (load.means_ms.size() > static_cast<std::size_t>(settings_.history_length)) load.means_ms.pop_front();
            }
            double predicted = -1;
            if (!load.means_ms.empty()) {
                const std::vector<double> history(load.means_ms.begin(), load.means_ms.end());
                predicted = std::max(min_prediction_ms, smoothed_prediction(history, settings_.alpha));
                known_sum += 1.0 / predicted;
                ++known;
            }
            load.predicted_ms.store(predicted, std::memory_order_relaxed);
            predictions.push_back(predicted);
        }
        // An upstream without history gets the average weight of the others (all new: equal); one
        // that cannot be picked now gets none, its share going to the others.
        const double average_inverse = known ? known_sum / known : 1.0;
        mean_prediction_ms_.store(known ? 1.0 / average_inverse : 1.0, std::memory_order_relaxed);
        std::vector<double> inverses(pool.size(), 0.0);
        double total = 0;
        for (std::size_t i = 0; i < pool.size(); ++i) {
            if (!pickable(pool[i])) continue;
            inverses[i] = predictions[i] > 0 ? 1.0 / predictions[i] : average_inverse;
            total += inverses[i];
        }
        for (std::size_t i = 0; i < pool.size(); ++i)
            pool[i].host->load.weight.store(total > 0 ? inverses[i] / total : 0.0, std::memory_order_relaxed);
    }

    AdaptiveSettings settings_;
    mutable std::atomic<std::int64_t> next_update_ns_;
    mutable std::atomic<double> mean_prediction_ms_{1.0};
};

} // namespace

double smoothed_prediction(std::span<const double> history, double alpha) {
    double s = history.front();
    for (std::size_t i = 1; i < history.size(); ++i) s = alpha * history[i] + (1 - alpha) * s;
    return s;
}

std::unique_ptr<SelectionPolicy> make_adaptive_policy(const AdaptiveSettings& settings) {
    return std::make_unique<AdaptivePolicy>(settings);
}

} // namespace proxflow
