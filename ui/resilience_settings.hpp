#pragma once
#include "config_document.hpp"

#include <QPointer>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace proxflow::ui {

// The resilience settings of one reverse_proxy handler as its editors offer them: the circuit breaker
// on or off (`circuit_breaker: {"type": "intelligent", …}`), whether the selection policy is adaptive,
// and what every field left empty means (the engine's defaults, CircuitBreakerConfig's and
// AdaptiveSettings', shown as placeholders). Values are read from and written to the document, so
// undo, validation and Apply see every edit; the fields themselves are PathFields on the handler's
// JSON paths.
class ResilienceSettings : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(ConfigDocument* document READ document WRITE setDocument NOTIFY documentChanged)
    Q_PROPERTY(QString handlerPath READ handlerPath WRITE setHandlerPath NOTIFY handlerPathChanged)
    Q_PROPERTY(bool circuitBreaker READ circuitBreaker WRITE setCircuitBreaker NOTIFY changed)
    Q_PROPERTY(QString breakerPath READ breakerPath NOTIFY handlerPathChanged)
    Q_PROPERTY(QString policyPath READ policyPath NOTIFY handlerPathChanged)
    Q_PROPERTY(bool adaptive READ adaptive NOTIFY changed)
    // Keyed by JSON field: failure_threshold, recovery_timeout, half_open_max_requests,
    // latency_threshold, min_requests, evaluation_window, ramp_up_duration, failure_status;
    // history_length, update_interval, alpha.
    Q_PROPERTY(QVariantMap defaults READ defaults CONSTANT)

public:
    static constexpr auto breaker_type = "intelligent";
    static constexpr auto adaptive_policy = "adaptive";

    explicit ResilienceSettings(QObject* parent = nullptr);

    ConfigDocument* document() const { return document_; }
    void setDocument(ConfigDocument* document);
    QString handlerPath() const { return handlerPath_; }
    void setHandlerPath(const QString& path);
    QString breakerPath() const { return handlerPath_ + QStringLiteral(".circuit_breaker"); }
    QString policyPath() const { return handlerPath_ + QStringLiteral(".load_balancing.selection_policy"); }
    bool circuitBreaker() const;
    // On: the breaker with the engine's defaults; off: the whole object goes, fields and all.
    void setCircuitBreaker(bool on);
    bool adaptive() const;
    QVariantMap defaults() const;

signals:
    void documentChanged();
    void handlerPathChanged();
    void changed();

private:
    const json* at(const QString& path) const;

    QPointer<ConfigDocument> document_;
    QString handlerPath_;
};

} // namespace proxflow::ui
