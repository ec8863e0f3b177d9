#pragma once
#include "metrics/snapshot.hpp"

#include <QtCharts/QAbstractSeries>

#include <QList>
#include <QObject>
#include <QPointF>
#include <QPointer>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <deque>
#include <map>


namespace proxflow::ui {

// The dashboard's numbers and charts, from the engine's metrics snapshots. Charts are fed from
// C++ with one QXYSeries::replace per snapshot (QML appends are far too slow for 300 points).
class TrafficStats : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(double requestsPerSecond READ requestsPerSecond NOTIFY updated)
    Q_PROPERTY(double errorsPerSecond READ errorsPerSecond NOTIFY updated)
    // Requests the rate limits turned away (429s and drops) per second over the last 10 s.
    Q_PROPERTY(double rejectedPerSecond READ rejectedPerSecond NOTIFY updated)
    Q_PROPERTY(qint64 activeConnections READ activeConnections NOTIFY updated)
    Q_PROPERTY(qint64 activeRequests READ activeRequests NOTIFY updated)
    Q_PROPERTY(double p50 READ p50 NOTIFY updated)
    Q_PROPERTY(double p95 READ p95 NOTIFY updated)
    Q_PROPERTY(double p99 READ p99 NOTIFY updated)
    Q_PROPERTY(qulonglong totalRequests READ totalRequests NOTIFY updated)
    Q_PROPERTY(qulonglong totalErrors READ totalErrors NOTIFY updated)
    Q_PROPERTY(double maxRate READ maxRate NOTIFY updated)
    Q_PROPERTY(double maxErrors READ maxErrors NOTIFY updated)
    Q_PROPERTY(double maxLatency READ maxLatency NOTIFY updated)
    Q_PROPERTY(double maxConnections READ maxConnections NOTIFY updated)
    Q_PROPERTY(int seriesSeconds READ seriesSeconds CONSTANT)
    // The circuit breakers' transitions of the charts' five minutes, oldest first, for the latency
    // chart's markers: [{x (seconds relative to now, as the charts' x), time, upstream, from, to, reason}].
    Q_PROPERTY(QVariantList circuitEvents READ circuitEvents NOTIFY updated)

public:
    explicit TrafficStats(QObject* parent = nullptr);

    void update(const metrics::Snapshot& snapshot);
    const metrics::Snapshot& snapshot() const { return last_; }

    double requestsPerSecond() const { return last_.last_10s.requests_per_second; }
    double errorsPerSecond() const { return last_.last_10s.errors_per_second; }
    double rejectedPerSecond() const;
    qint64 activeConnections() const { return last_.active_connections; }
    qint64 activeRequests() const { return last_.active_requests; }
    double p50() const { return last_.last_1m.p50_ms; }
    double p95() const { return last_.last_1m.p95_ms; }
    double p99() const { return last_.last_1m.p99_ms; }
    qulonglong totalRequests() const { return last_.requests; }
    qulonglong totalErrors() const { return last_.status_classes[4]; }
    double maxRate() const { return maxRate_; }
    double maxErrors() const { return maxErrors_; }
    double maxLatency() const { return maxLatency_; }
    double maxConnections() const { return maxConnections_; }
    int seriesSeconds() const { return 300; }
    QVariantList circuitEvents() const;

    // kind: requests, errors, rejected, p50, p95, p99 or connections. x is seconds relative to now (-300..0).
    Q_INVOKABLE void attach(const QString& kind, QAbstractSeries* series);
    Q_INVOKABLE QList<QPointF> points(const QString& kind) const;

signals:
    void updated();

private:
    void feed();

    metrics::Snapshot last_;
    std::deque<std::pair<qint64, qint64>> connections_; // (unix second, active connections)
    std::deque<std::pair<qint64, double>> rejected_;    // (unix ms, rate-limited total) of each snapshot
    std::multimap<QString, QPointer<QAbstractSeries>> attached_;
    double maxRate_ = 10, maxErrors_ = 10, maxLatency_ = 10, maxConnections_ = 10;
};

} // namespace proxflow::ui
