#pragma once
#include "config_document.hpp"
#include "engine_bridge.hpp"
#include "row_list_model.hpp"
#include "traffic_stats.hpp"
#include "metrics/snapshot.hpp"

#include <QPointer>
#include <QtQml/qqmlregistration.h>

namespace proxflow::ui {


// The upstreams of one reverse_proxy handler (HANDLER.upstreams), joined by dial address with the
// running engine's state: health and requests in flight as the engine reports them (its
// /reverse_proxy/upstreams, through the bridge), and totals and median time to response header from the
// traffic snapshot. Nothing here re-derives health from the edited config.
class UpstreamListModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(ConfigDocument* document READ document WRITE setDocument NOTIFY documentChanged)
    Q_PROPERTY(QString handlerPath READ handlerPath WRITE setHandlerPath NOTIFY handlerPathChanged)
    // Where live state comes from: the engine's upstream status and the traffic counters. Without
    // them only the config is shown.
    Q_PROPERTY(EngineBridge* engine READ engine WRITE setEngine NOTIFY engineChanged)
    Q_PROPERTY(TrafficStats* traffic READ traffic WRITE setTraffic NOTIFY trafficChanged)
public:
    explicit UpstreamListModel(QObject* parent = nullptr);

    ConfigDocument* document() const { return document_; }
    void setDocument(ConfigDocument* document);
    QString handlerPath() const { return handlerPath_; }
    void setHandlerPath(const QString& path);
    void updateLive(const metrics::Snapshot& snapshot);
    // Engine::module_status("/reverse_proxy/upstreams"): [{address, healthy, fails, num_requests}]
    void updateStatus(const json& status);
    EngineBridge* engine() const { return engine_; }
    void setEngine(EngineBridge* engine);
    TrafficStats* traffic() const { return traffic_; }
    void setTraffic(TrafficStats* traffic);

signals:
    void documentChanged();
    void handlerPathChanged();
    void engineChanged();
    void trafficChanged();

private:
    void refresh();

    QPointer<ConfigDocument> document_;
    QString handlerPath_;
    QPointer<EngineBridge> engine_;
    QPointer<TrafficStats> traffic_;
    std::vector<metrics::UpstreamStats> live_;
    json status_ = json::array();
};

} // namespace proxflow::ui
