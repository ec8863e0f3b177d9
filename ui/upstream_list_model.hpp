#pragma once
#include "config_document.hpp"
#include "row_list_model.hpp"
#include "traffic_stats.hpp"
#include "metrics/snapshot.hpp"

#include <QPointer>
#include <QtQml/qqmlregistration.h>

namespace proxflow::ui {


// The upstreams of one reverse_proxy handler (HANDLER.upstreams), joined by dial address with the
// engine's live state: health, requests in flight, totals and median time to response header.
class UpstreamListModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(ConfigDocument* document READ document WRITE setDocument NOTIFY documentChanged)
    Q_PROPERTY(QString handlerPath READ handlerPath WRITE setHandlerPath NOTIFY handlerPathChanged)
    // Where live state comes from; without it only the config is shown.
    Q_PROPERTY(TrafficStats* traffic READ traffic WRITE setTraffic NOTIFY trafficChanged)
public:
    explicit UpstreamListModel(QObject* parent = nullptr);

    ConfigDocument* document() const { return document_; }
    void setDocument(ConfigDocument* document);
    QString handlerPath() const { return handlerPath_; }
    void setHandlerPath(const QString& path);
    void updateLive(const metrics::Snapshot& snapshot);
    TrafficStats* traffic() const { return traffic_; }
    void setTraffic(TrafficStats* traffic);

signals:
    void documentChanged();
    void handlerPathChanged();
    void trafficChanged();

private:
    void refresh();

    QPointer<ConfigDocument> document_;
    QString handlerPath_;
    QPointer<TrafficStats> traffic_;
    std::vector<metrics::UpstreamStats> live_;
};

} // namespace proxflow::ui
