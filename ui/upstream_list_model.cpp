#include "upstream_list_model.hpp"

#include "config_document.hpp"
#include "traffic_stats.hpp"

#include <algorithm>

namespace proxflow::ui {
namespace {
constexpr int remote_poll_ms = 2000;
}

UpstreamResilience UpstreamResilience::of(const metrics::UpstreamStats& stats) {
    return {QString::fromStdString(stats.circuit_state), stats.failure_rate, qint64(stats.window_requests), stats.ramp_share,
            stats.predicted_load_ms, stats.weight};
}

UpstreamResilience UpstreamResilience::of(const json& entry) {
    // The admin API writes these fields only when a breaker or the adaptive policy is configured.
    const auto number = [&](const char* key, double fallback) {
        const auto it = entry.find(key);
        return it != entry.end() && it->is_number() ? it->get<double>() : fallback;
    };
    UpstreamResilience r;
    if (const auto it = entry.find("circuit_state"); it != entry.end() && it->is_string())
        r.state = QString::fromStdString(it->get<std::string>());
    r.failureRate = number("failure_rate", 0);
    r.windowRequests = qint64(number("window_requests", 0));
    r.rampShare = number("ramp_share", 1);
    r.predictedLoadMs = number("predicted_load_ms", -1);
    r.weight = number("weight", -1);
    return r;
}

UpstreamListModel::UpstreamListModel(QObject* parent)
    : RowListModel({"dial", "path", "maxRequests", "known", "healthy", "inFlight", "hasTotals", "requests", "failures", "fails",
                    "latencyMs", "circuitState", "failureRate", "windowRequests", "rampShare", "predictedLoadMs", "weight"},
                   parent) {
    remotePoll_.setInterval(remote_poll_ms);
    connect(&remotePoll_, &QTimer::timeout, this, [this] {
        if (remote_) remote_->fetchStatus(QLatin1String(upstreams_path));
    });
}

void UpstreamListModel::setDocument(ConfigDocument* document) {
    if (document_ == document) return;
    if (document_) disconnect(document_, nullptr, this, nullptr);
    document_ = document;
    if (document_) connect(document_, &ConfigDocument::changed, this, &UpstreamListModel::refresh);
    refresh();
    emit documentChanged();
}

void UpstreamListModel::setHandlerPath(const QString& path) {
    if (path == handlerPath_) return;
    handlerPath_ = path;
    refresh();
    emit handlerPathChanged();
}

void UpstreamListModel::setEngine(EngineBridge* engine) {
    if (engine_ == engine) return;
    if (engine_) disconnect(engine_, nullptr, this, nullptr);
    engine_ = engine;
    if (engine_)
        connect(engine_, &EngineBridge::upstreamsChanged, this, [this] {
            if (!fromRemote_) updateStatus(engine_->upstreams());
        });
    restartLive();
    emit engineChanged();
}

void UpstreamListModel::setRemote(RemoteAdmin* remote) {
    if (remote_ == remote) return;
    if (remote_) disconnect(remote_, nullptr, this, nullptr);
    remote_ = remote;
    if (remote_) {
        connect(remote_, &RemoteAdmin::statusRead, this, [this](const QString& path, const json& status) {
            if (!fromRemote_ || path != QLatin1String(upstreams_path)) return;
            if (!liveProblem_.isEmpty()) {
                liveProblem_.clear();
                emit sourceChanged();
            }
            updateStatus(status);
        });
        connect(remote_, &RemoteAdmin::statusFailed, this, [this](const QString& path, const QString& error) {
            if (!fromRemote_ || path != QLatin1String(upstreams_path)) return;
            liveProblem_ = tr("no live state: %1").arg(error);
            updateStatus(json::array());
            emit sourceChanged();
        });
        connect(remote_, &RemoteAdmin::addressChanged, this, [this] {
            if (fromRemote_) restartLive();
        });
    }
    restartLive();
    emit sourceChanged();
}

void UpstreamListModel::setFromRemote(bool remote) {
    if (remote == fromRemote_) return;
    fromRemote_ = remote;
    restartLive();
    emit sourceChanged();
}

// A new source: its state replaces the other's from its next read.
void UpstreamListModel::restartLive() {
    liveProblem_.clear();
    if (fromRemote_ && remote_) {
        status_ = json::array();
        remotePoll_.start();
        remote_->fetchStatus(QLatin1String(upstreams_path));
    } else {
        remotePoll_.stop();
        status_ = engine_ ? engine_->upstreams() : json::array();
    }
    refresh();
}

void UpstreamListModel::updateStatus(const json& status) {
    status_ = status.is_array() ? status : json::array();
    refresh();
}

void UpstreamListModel::setTraffic(TrafficStats* traffic) {
    if (traffic_ == traffic) return;
    if (traffic_) disconnect(traffic_, nullptr, this, nullptr);
    traffic_ = traffic;
    if (traffic_) {
        connect(traffic_, &TrafficStats::updated, this, [this] { updateLive(traffic_->snapshot()); });
        updateLive(traffic_->snapshot());
    }
    emit trafficChanged();
}

void UpstreamListModel::updateLive(const metrics::Snapshot& snapshot) {
    live_ = snapshot.upstreams;
    refresh();
}

void UpstreamListModel::refresh() {
    QList<QVariantMap> rows;
    const QString base = handlerPath_ + QStringLiteral(".upstreams");
    const json* upstreams = document_ && !handlerPath_.isEmpty() ? JsonPath(base).find(document_->root()) : nullptr;
    if (upstreams && upstreams->is_array()) {
        for (std::size_t i = 0; i < upstreams->size(); ++i) {
            const json& u = (*upstreams)[i];
            const std::string dial = u.is_object() ? u.value("dial", "") : "";
            QVariantMap row{{"dial", QString::fromStdString(dial)},
                            {"path", base + QStringLiteral("[%1]").arg(i)},
                            {"maxRequests", u.is_object() ? u.value("max_requests", 0) : 0},
                            {"known", false},
                            {"healthy", true},
                            {"inFlight", 0},
                            {"hasTotals", !fromRemote_},
                            {"requests", 0},
                            {"failures", 0},
                            {"fails", 0},
                            {"latencyMs", 0.0}};
            UpstreamResilience resilience;
            for (const auto& s : status_) {
                if (!s.is_object() || s.value("address", "") != dial) continue;
                row["known"] = true;
                row["healthy"] = s.value("healthy", true);
                row["fails"] = s.value("fails", 0);
                row["inFlight"] = s.value("num_requests", 0);
                if (fromRemote_) resilience = UpstreamResilience::of(s);
            }
            // The embedded engine's snapshot carries the same numbers as its status, read in the same poll.
            for (const auto& stats : live_) {
                if (fromRemote_ || stats.address != dial) continue;
                row["requests"] = QVariant::fromValue(static_cast<qulonglong>(stats.requests));
                row["failures"] = QVariant::fromValue(static_cast<qulonglong>(stats.failures));
                row["latencyMs"] = stats.latency.percentile_ms(50);
                resilience = UpstreamResilience::of(stats);
            }
            row["circuitState"] = resilience.state;
            row["failureRate"] = resilience.failureRate;
            row["windowRequests"] = resilience.windowRequests;
            row["rampShare"] = resilience.rampShare;
            row["predictedLoadMs"] = resilience.predictedLoadMs;
            row["weight"] = resilience.weight;
            rows << row;
        }
    }
    setRows(std::move(rows));
    const auto any = [this](const char* role, auto test) {
        return std::any_of(this->rows().begin(), this->rows().end(), [&](const QVariantMap& row) { return test(row.value(role)); });
    };
    const bool circuit = any("circuitState", [](const QVariant& v) { return !v.toString().isEmpty(); });
    const bool adaptive = any("weight", [](const QVariant& v) { return v.toDouble() >= 0; });
    if (circuit != anyCircuit_ || adaptive != anyAdaptive_) {
        anyCircuit_ = circuit;
        anyAdaptive_ = adaptive;
        emit columnsChanged();
    }
}

} // namespace proxflow::ui
