#include "resilience_settings.hpp"

#include "config/object_reader.hpp"
#include "modules/reverse_proxy/adaptive_policy.hpp"
#include "modules/reverse_proxy/circuit_breaker_config.hpp"

namespace proxflow::ui {

ResilienceSettings::ResilienceSettings(QObject* parent) : QObject(parent) {}

void ResilienceSettings::setDocument(ConfigDocument* document) {
    if (document_ == document) return;
    if (document_) disconnect(document_, nullptr, this, nullptr);
    document_ = document;
    if (document_) connect(document_, &ConfigDocument::changed, this, &ResilienceSettings::changed);
    emit documentChanged();
    emit changed();
}

void ResilienceSettings::setHandlerPath(const QString& path) {
    if (path == handlerPath_) return;
    handlerPath_ = path;
    emit handlerPathChanged();
    emit changed();
}

const json* ResilienceSettings::at(const QString& path) const {
    return document_ && !handlerPath_.isEmpty() ? JsonPath(path).find(document_->root()) : nullptr;
}

bool ResilienceSettings::circuitBreaker() const {
    const json* breaker = at(breakerPath());
    return breaker && breaker->is_object();
}

void ResilienceSettings::setCircuitBreaker(bool on) {
    if (on == circuitBreaker() || !document_ || !at(handlerPath_)) return;
    if (on) document_->setValue(breakerPath(), QVariantMap{{QStringLiteral("type"), QLatin1String(breaker_type)}});
    else document_->remove(breakerPath());
}

bool ResilienceSettings::adaptive() const {
    const json* policy = at(policyPath() + QStringLiteral(".policy"));
    return policy && policy->is_string() && *policy == adaptive_policy;
}

QVariantMap ResilienceSettings::defaults() const {
    const CircuitBreakerConfig breaker;
    const AdaptiveSettings adaptive;
    const auto duration = [](std::chrono::nanoseconds d) { return QString::fromStdString(format_duration(d)); };
    QStringList statuses;
    for (int status : breaker.failure_status) statuses << QString::number(status);
    return {{"failure_threshold", QString::number(breaker.failure_threshold)},
            {"recovery_timeout", duration(breaker.recovery_timeout)},
            {"half_open_max_requests", QString::number(breaker.half_open_max_requests)},
            {"latency_threshold", duration(breaker.latency_threshold)},
            {"min_requests", QString::number(breaker.min_requests)},
            {"evaluation_window", duration(breaker.evaluation_window)},
            {"ramp_up_duration", duration(breaker.ramp_up_duration)},
            {"failure_status", statuses.join(QStringLiteral(", "))},
            {"history_length", QString::number(adaptive.history_length)},
            {"update_interval", duration(adaptive.update_interval)},
            {"alpha", QString::number(adaptive.alpha)}};
}

} // namespace proxflow::ui
