#pragma once
// `lb_policy adaptive`: steers new requests away from upstreams whose time to the response header
// is predicted to be high. Each update_interval, an upstream's mean of that interval joins its
// history (history_length kept) and exponential smoothing (alpha) predicts the next; its weight is
// the inverse of its prediction. A request draws two available upstreams by weight and takes the one
// whose prediction × (requests in flight + 1) is lower: the weights follow the last intervals, the
// in-flight count reacts within one (peak-EWMA's cost, as Linkerd and Finagle use it).
#include "modules/reverse_proxy/lb_policies.hpp"

#include <chrono>
#include <span>

namespace proxflow {

struct AdaptiveSettings {
    int history_length = 10;
    std::chrono::nanoseconds update_interval{std::chrono::minutes(1)};
    double alpha = 0.3;
};

std::unique_ptr<SelectionPolicy> make_adaptive_policy(const AdaptiveSettings& settings);

// The exponentially smoothed prediction of the next value of history (oldest first, not empty).
double smoothed_prediction(std::span<const double> history, double alpha);

} // namespace proxflow
