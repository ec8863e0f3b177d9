#pragma once
#include "config_document.hpp"
#include "engine_bridge.hpp"
#include "remote_admin.hpp"
#include "row_list_model.hpp"
#include "traffic_stats.hpp"
#include "metrics/snapshot.hpp"

#include <QPointer>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

namespace proxflow::ui {

// What the circuit breaker and the adaptive policy say about one upstream, from either source: the
// embedded engine's metrics snapshot or a remote admin API's GET /reverse_proxy/upstreams entry.
// state is "" when no breaker watches the upstream; predictedLoadMs and weight are negative when
// no adaptive policy picks it.
struct UpstreamResilience {
    QString state;
    double failureRate = 0;
    qint64 windowRequests = 0;
    double rampShare = 1;
    double predictedLoadMs = -1;
    double weight = -1;

    static UpstreamResilience of(const metrics::UpstreamStats& stats);
    static UpstreamResilience of(const json& statusEntry);
};

// The upstreams of one reverse_proxy handler (HANDLER.upstreams), joined by dial address with the
// running engine's state: health, requests in flight, circuit state and adaptive weight as the engine
// reports them, and totals and median time to response header from the traffic snapshot. Live state
// comes from the embedded engine (its /reverse_proxy/upstreams through the bridge and its metrics
// snapshot) or, with fromRemote, from a remote server's GET /reverse_proxy/upstreams, polled every 2 s
// (it has no totals: those stay -1). Nothing here re-derives health from the edited config.
class UpstreamListModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(ConfigDocument* document READ document WRITE setDocument NOTIFY documentChanged)
    Q_PROPERTY(QString handlerPath READ handlerPath WRITE setHandlerPath NOTIFY handlerPathChanged)
    // Where live state comes from: the engine's upstream status and the traffic counters. Without
    // them only the config is shown.
    Q_PROPERTY(EngineBridge* engine READ engine WRITE setEngine NOTIFY engineChanged)
    Q_PROPERTY(TrafficStats* traffic READ traffic WRITE setTraffic NOTIFY trafficChanged)
    Q_PROPERTY(RemoteAdmin* remote READ remote WRITE setRemote NOTIFY sourceChanged)
    Q_PROPERTY(bool fromRemote READ fromRemote WRITE setFromRemote NOTIFY sourceChanged)
    // Why the remote's live state is missing ("" while it answers).
    Q_PROPERTY(QString liveProblem READ liveProblem NOTIFY sourceChanged)
    // Whether any row has a circuit state, or a predicted load and weight (the columns to show).
    Q_PROPERTY(bool anyCircuit READ anyCircuit NOTIFY columnsChanged)
    Q_PROPERTY(bool anyAdaptive READ anyAdaptive NOTIFY columnsChanged)
public:
    static constexpr auto upstreams_path = "/reverse_proxy/upstreams";

    explicit UpstreamListModel(QObject* parent = nullptr);

    ConfigDocument* document() const { return document_; }
    void setDocument(ConfigDocument* document);
    QString handlerPath() const { return handlerPath_; }
    void setHandlerPath(const QString& path);
    void updateLive(const metrics::Snapshot& snapshot);
    // GET /reverse_proxy/upstreams: [{address, healthy, fails, num_requests, and with a breaker or the
    // adaptive policy circuit_state, failure_rate, window_requests, ramp_share, predicted_load_ms, weight}]
    void updateStatus(const json& status);
    EngineBridge* engine() const { return engine_; }
    void setEngine(EngineBridge* engine);
    TrafficStats* traffic() const { return traffic_; }
    void setTraffic(TrafficStats* traffic);
    RemoteAdmin* remote() const { return remote_; }
    void setRemote(RemoteAdmin* remote);
    bool fromRemote() const { return fromRemote_; }
    void setFromRemote(bool remote);
    QString liveProblem() const { return liveProblem_; }
    bool anyCircuit() const { return anyCircuit_; }
    bool anyAdaptive() const { return anyAdaptive_; }

signals:
    void documentChanged();
    void handlerPathChanged();
    void engineChanged();
    void trafficChanged();
    void sourceChanged();
    void columnsChanged();

private:
    void refresh();
    void restartLive();

    QPointer<ConfigDocument> document_;
    QString handlerPath_;
    QPointer<EngineBridge> engine_;
    QPointer<TrafficStats> traffic_;
    QPointer<RemoteAdmin> remote_;
    bool fromRemote_ = false;
    QTimer remotePoll_;
    QString liveProblem_;
    bool anyCircuit_ = false, anyAdaptive_ = false;
    std::vector<metrics::UpstreamStats> live_;
    json status_ = json::array();
};

} // namespace proxflow::ui
