#include "traffic_stats.hpp"

#include <QtCharts/QXYSeries>

#include <QDateTime>
#include <QVariantMap>

#include <algorithm>
#include <cmath>

namespace proxflow::ui {
namespace {

// A "nice" axis maximum above v: 1, 2 or 5 times a power of ten.
double niceCeiling(double v) {
    if (v <= 1) return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(v)));
    for (double step : {1.0, 2.0, 5.0, 10.0})
        if (v <= step * magnitude) return step * magnitude;
    return 10 * magnitude;
}

// Requests rate limits turned away so far: proxflow_rate_limit_requests_total, rejected and dropped.
double rateLimitedTotal(const metrics::Snapshot& snapshot) {
    double total = 0;
    for (const auto& family : snapshot.families) {
        if (family.name != "proxflow_rate_limit_requests_total") continue;
        for (const auto& [labels, value] : family.counters)
            for (const auto& [name, label] : labels)
                if (name == "result" && (label == "rejected" || label == "dropped")) total += double(value);
    }
    return total;
}

constexpr qint64 rejected_window_ms = 10'000;
constexpr qint64 history_ms = 301'000;

} // namespace

TrafficStats::TrafficStats(QObject* parent) : QObject(parent) {}

void TrafficStats::update(const metrics::Snapshot& snapshot) {
    last_ = snapshot;
    const qint64 second = snapshot.taken_unix_ms / 1000;
    if (connections_.empty() || connections_.back().first != second) connections_.emplace_back(second, snapshot.active_connections);
    while (connections_.size() > 300) connections_.pop_front();
    rejected_.emplace_back(snapshot.taken_unix_ms, rateLimitedTotal(snapshot));
    while (rejected_.size() > 1 && rejected_.front().first < snapshot.taken_unix_ms - history_ms) rejected_.pop_front();
    feed();
    emit updated();
}

double TrafficStats::rejectedPerSecond() const {
    if (rejected_.size() < 2) return 0;
    const auto& [now, total] = rejected_.back();
    auto from = rejected_.begin();
    while (std::next(from) != rejected_.end() && from->first < now - rejected_window_ms) ++from;
    if (from->first >= now) return 0;
    return std::max(0.0, total - from->second) * 1000.0 / double(now - from->first);
}

QVariantList TrafficStats::circuitEvents() const {
    QVariantList out;
    const qint64 now = last_.taken_unix_ms / 1000; // as points() counts x
    for (const metrics::CircuitEvent& e : last_.circuit_events) {
        const double x = double(e.unix_ms) / 1000.0 - double(now);
        if (x < -seriesSeconds() || x > 1) continue;
        out << QVariantMap{{"x", x},
                           {"time", QDateTime::fromMSecsSinceEpoch(e.unix_ms).toString(QStringLiteral("HH:mm:ss.zzz"))},
                           {"upstream", QString::fromStdString(e.upstream)},
                           {"from", QString::fromStdString(e.from)},
                           {"to", QString::fromStdString(e.to)},
                           {"reason", QString::fromStdString(e.reason)}};
    }
    return out;
}

QList<QPointF> TrafficStats::points(const QString& kind) const {
    QList<QPointF> out;
    const qint64 now = last_.taken_unix_ms / 1000;
    if (kind == QLatin1String("connections")) {
        for (const auto& [second, count] : connections_) out << QPointF(double(second - now), double(count));
        return out;
    }
    if (kind == QLatin1String("rejected")) {
        // Per second, from the last snapshot of each second to the next one's.
        std::pair<qint64, double> previous{-1, 0};
        for (auto it = rejected_.begin(); it != rejected_.end(); ++it) {
            const qint64 second = it->first / 1000;
            if (std::next(it) != rejected_.end() && std::next(it)->first / 1000 == second) continue;
            if (previous.first >= 0 && second > previous.first)
                out << QPointF(double(second - now), std::max(0.0, it->second - previous.second) / double(second - previous.first));
            previous = {second, it->second};
        }
        return out;
    }
    for (const auto& p : last_.series) {
        double y = 0;
        if (kind == QLatin1String("requests")) y = double(p.requests);
        else if (kind == QLatin1String("errors")) y = double(p.errors);
        else if (kind == QLatin1String("p50")) y = p.p50_ms;
        else if (kind == QLatin1String("p95")) y = p.p95_ms;
        else if (kind == QLatin1String("p99")) y = p.p99_ms;
        out << QPointF(double(p.unix_second - now), y);
    }
    return out;
}

void TrafficStats::attach(const QString& kind, QAbstractSeries* series) {
    attached_.emplace(kind, series);
    feed();
}

void TrafficStats::feed() {
    double rate = 0, errors = 0, latency = 0, connections = 0;
    for (const auto& p : last_.series) {
        rate = std::max(rate, double(p.requests));
        errors = std::max(errors, double(p.errors));
        latency = std::max(latency, p.p99_ms);
    }
    for (const auto& c : connections_) connections = std::max(connections, double(c.second));
    for (const QPointF& p : points(QStringLiteral("rejected"))) errors = std::max(errors, p.y()); // drawn on the errors chart
    maxRate_ = niceCeiling(rate * 1.1);
    maxErrors_ = niceCeiling(errors * 1.1);
    maxLatency_ = niceCeiling(latency * 1.1);
    maxConnections_ = niceCeiling(connections * 1.1);
    for (auto it = attached_.begin(); it != attached_.end();) {
        auto* xy = qobject_cast<QXYSeries*>(it->second.data());
        if (!xy) {
            it = attached_.erase(it);
            continue;
        }
        xy->replace(points(it->first));
        ++it;
    }
}

} // namespace proxflow::ui
