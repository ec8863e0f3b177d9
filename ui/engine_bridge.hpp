#pragma once
#include "metrics/snapshot.hpp"

#include <nlohmann/json.hpp>

#include <QObject>
#include <QThread>
#include <QtQml/qqmlregistration.h>

#include <QString>

#include <atomic>
#include <map>

namespace proxflow::ui {

class EngineWorker;

// The in-process engine as the GUI sees it. The Engine lives on a worker QThread (and its own
// event-loop threads); apply, validation and metric snapshots run there and come back as queued
// signals, so no call here waits on the engine.
class EngineBridge : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ConsoleSession")
    Q_PROPERTY(QString state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY stateChanged)
    Q_PROPERTY(bool serving READ serving NOTIFY stateChanged)

public:
    explicit EngineBridge(unsigned threads = 2, int pollMs = 1000, QObject* parent = nullptr);
    ~EngineBridge() override;

    QString state() const { return state_; }
    QString lastError() const { return lastError_; }
    bool serving() const { return serving_; }

    // Returns a token that the matching applied() carries.
    quint64 apply(const nlohmann::json& config);
    // Only the newest request is answered; older ones still queued are dropped.
    quint64 validate(const nlohmann::json& config);
    Q_INVOKABLE void pollNow();
    // A module's status as of the last poll (Engine::module_status, what the admin API serves at that
    // path); null before the first poll or for a path no module serves.
    const nlohmann::json& moduleStatus(const QString& adminPath) const;
    // Every upstream address of the running config as the engine reports it (GET /reverse_proxy/upstreams:
    // address, healthy as its requests see it, fails, num_requests), as of the last poll.
    const nlohmann::json& upstreams() const;

signals:
    void stateChanged();
    void applied(quint64 token, bool ok, const QString& path, const QString& message);
    void validated(quint64 generation, const QString& path, const QString& message);
    void snapshotReady(const proxflow::metrics::Snapshot& snapshot);
    void upstreamsChanged();
    // Each poll's read of a module's status, changed or not, with the steady-clock ms it was read at.
    void moduleStatusRead(const QString& adminPath, const nlohmann::json& status, qint64 readAtMs);

private:
    void setState(const QString& state, const QString& error);

    QThread thread_;
    EngineWorker* worker_;
    std::atomic<quint64> newestValidation_{0};
    quint64 nextToken_ = 0;
    int pendingApplies_ = 0;
    QString state_ = QStringLiteral("idle");
    QString lastError_;
    bool serving_ = false;
    std::map<QString, nlohmann::json> moduleStatus_;
};

} // namespace proxflow::ui
