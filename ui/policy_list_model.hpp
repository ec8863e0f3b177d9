#pragma once
#include "config_document.hpp"
#include "engine_bridge.hpp"
#include "remote_admin.hpp"
#include "row_list_model.hpp"

#include "modules/rate_limit/rate_limit_config.hpp"

#include <QPointer>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <map>
#include <optional>

namespace proxflow::ui {

// One rate_limit handler of a config, wherever it sits (a route's handle list, a subroute, a
// proxy's handle_response), with the zone the engine counts it under.
struct RateLimitRef {
    QString path;      // the handler's JSON path
    QString site;      // the server it belongs to
    QString routePath; // its top-level route
    QString route;     // that route as the user knows it: "#1 /api/*", "#2 every request"
    QString zone;      // as written, or the name the engine gives it by position (rate_limit0 …)
    bool zoneNamed = false;
    const json* handler = nullptr;
};

// A rate_limit handler as the engine reads it (RateLimitConfig::from_json), or nothing while it is
// not valid (the engine's validation says why, on the field).
std::optional<RateLimitConfig> rateLimitConfigOf(const json& handler, const QString& path = {});
// The header a key reads when it is one request header's placeholder ("{http.request.header.X}"),
// else "", and back.
QString headerOfKey(const QString& key);
QString keyOfHeader(const QString& header);
// A rate_limit handler in a few words: "10/s per ip", "600/m per header X-Tenant, delay".
QString policySummary(const json& handler);

// Every rate_limit handler of the config, in the order the engine builds them, so an unnamed
// zone gets the name the engine gives it (BuildContext::name_by_position).
QList<RateLimitRef> rateLimitsOf(const json& root);

// The rate-limit policies of the open config with their zones' live rates: allowed, delayed and
// rejected (429s and drops) per second, the differences of two successive reads of the engine's
// GET /rate_limit/zones. The reads come from the embedded engine's poll (EngineBridge, off the GUI
// thread) or, with fromRemote, from the remote server's admin API (RemoteAdmin, asynchronous).
class PolicyListModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(ConfigDocument* document READ document WRITE setDocument NOTIFY documentChanged)
    Q_PROPERTY(EngineBridge* engine READ engine WRITE setEngine NOTIFY sourceChanged)
    Q_PROPERTY(RemoteAdmin* remote READ remote WRITE setRemote NOTIFY sourceChanged)
    Q_PROPERTY(bool fromRemote READ fromRemote WRITE setFromRemote NOTIFY sourceChanged)
    // What the live columns say about where they come from ("" while they are fresh).
    Q_PROPERTY(QString liveProblem READ liveProblem NOTIFY liveChanged)
    Q_PROPERTY(double allowedPerSecond READ allowedPerSecond NOTIFY liveChanged)
    Q_PROPERTY(double rejectedPerSecond READ rejectedPerSecond NOTIFY liveChanged)

public:
    static constexpr auto zones_path = "/rate_limit/zones";

    explicit PolicyListModel(QObject* parent = nullptr);

    ConfigDocument* document() const { return document_; }
    void setDocument(ConfigDocument* document);
    EngineBridge* engine() const { return engine_; }
    void setEngine(EngineBridge* engine);
    RemoteAdmin* remote() const { return remote_; }
    void setRemote(RemoteAdmin* remote);
    bool fromRemote() const { return fromRemote_; }
    void setFromRemote(bool remote);
    QString liveProblem() const { return liveProblem_; }
    double allowedPerSecond() const;
    double rejectedPerSecond() const;

    // One read of GET /rate_limit/zones ([{zone, allowed, rejected, delayed, dropped, keys, evictions,
    // redis_errors}]) taken at readAtMs (any monotonic milliseconds); rates need two.
    void updateStatus(const json& zones, qint64 readAtMs);

    Q_INVOKABLE int rowOf(const QString& path) const;
    // Attaches a new rate limit (the catalogue's default) to a route, in front of what it does, or
    // to a whole site (a site path): ConfigDocument::attachHandler. Returns the handler's path.
    Q_INVOKABLE QString attach(const QString& path);

signals:
    void documentChanged();
    void sourceChanged();
    void liveChanged();

private:
    struct ZoneRates {
        qint64 readAtMs = 0;
        double allowed = 0, rejected = 0, delayed = 0, dropped = 0; // totals at that read
        double allowedPerSecond = 0, rejectedPerSecond = 0, delayedPerSecond = 0;
        qint64 keys = 0;
        bool rated = false; // two reads seen
    };

    void refresh();
    void restartLive();
    void pollRemote();

    QPointer<ConfigDocument> document_;
    QPointer<EngineBridge> engine_;
    QPointer<RemoteAdmin> remote_;
    bool fromRemote_ = false;
    QTimer remotePoll_;
    std::map<QString, ZoneRates> zones_;
    QString liveProblem_;
};

} // namespace proxflow::ui
