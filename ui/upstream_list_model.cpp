#include "upstream_list_model.hpp"

#include "config_document.hpp"
#include "traffic_stats.hpp"

namespace proxflow::ui {

UpstreamListModel::UpstreamListModel(QObject* parent)
    : RowListModel({"dial", "path", "maxRequests", "known", "healthy", "inFlight", "requests", "failures", "fails", "latencyMs"},
                   parent) {}

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
    if (engine_) {
        connect(engine_, &EngineBridge::upstreamsChanged, this, [this] { updateStatus(engine_->upstreams()); });
        updateStatus(engine_->upstreams());
    }
    emit engineChanged();
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
                            {"requests", 0},
                            {"failures", 0},
                            {"fails", 0},
                            {"latencyMs", 0.0}};
            for (const auto& s : status_) {
                if (!s.is_object() || s.value("address", "") != dial) continue;
                row["known"] = true;
                row["healthy"] = s.value("healthy", true);
                row["fails"] = s.value("fails", 0);
                row["inFlight"] = s.value("num_requests", 0);
            }
            for (const auto& stats : live_) {
                if (stats.address != dial) continue;
                row["requests"] = QVariant::fromValue(static_cast<qulonglong>(stats.requests));
                row["failures"] = QVariant::fromValue(static_cast<qulonglong>(stats.failures));
                row["latencyMs"] = stats.latency.percentile_ms(50);
            }
            rows << row;
        }
    }
    setRows(std::move(rows));
}

} // namespace proxflow::ui
