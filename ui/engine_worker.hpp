#pragma once
#include "core/engine.hpp"
#include "metrics/snapshot.hpp"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QTimer;

namespace proxflow::ui {

// Lives on EngineBridge's worker thread and is the only code that calls the Engine. Everything it
// learns goes back by signal (queued to the GUI thread); nothing here is called from the GUI thread.
class EngineWorker : public QObject {
    Q_OBJECT
public:
    explicit EngineWorker(unsigned threads);
    ~EngineWorker() override;

    void start(int pollMs);
    void apply(const nlohmann::json& config, quint64 token);
    // Skips stale requests: only the newest generation (set by the bridge) is built.
    void validate(const nlohmann::json& config, quint64 generation, const std::atomic<quint64>* newest);
    void poll();
    void shutdown();

signals:
    void applied(quint64 token, bool ok, const QString& path, const QString& message);
    void validated(quint64 generation, const QString& path, const QString& message);
    void snapshotReady(const proxflow::metrics::Snapshot& snapshot);
    // Every module's status (its admin path: /reverse_proxy/upstreams, /rate_limit/zones), once per
    // poll, with the steady-clock millisecond it was read at (rates are differences of two reads).
    void moduleStatusReady(const QString& adminPath, const nlohmann::json& status, qint64 readAtMs);

private:
    unsigned threads_;
    std::unique_ptr<Engine> engine_;
    QTimer* timer_ = nullptr;
};

} // namespace proxflow::ui
