#include "engine_bridge.hpp"

#include "engine_worker.hpp"

namespace proxflow::ui {
namespace {
const auto upstreams_path = QStringLiteral("/reverse_proxy/upstreams");
}

EngineBridge::EngineBridge(unsigned threads, int pollMs, QObject* parent)
    : QObject(parent), worker_(new EngineWorker(threads)) {
    qRegisterMetaType<proxflow::metrics::Snapshot>("proxflow::metrics::Snapshot");
    qRegisterMetaType<nlohmann::json>("nlohmann::json");
    thread_.setObjectName(QStringLiteral("proxflow-engine-bridge"));
    worker_->moveToThread(&thread_);
    connect(worker_, &EngineWorker::validated, this, [this](quint64 generation, const QString& path, const QString& message) {
        if (generation == newestValidation_.load()) emit validated(generation, path, message);
    });
    connect(worker_, &EngineWorker::applied, this, [this](quint64 token, bool ok, const QString& path, const QString& message) {
        --pendingApplies_;
        if (ok) serving_ = true;
        setState(serving_ ? QStringLiteral("running") : QStringLiteral("idle"),
                 ok ? QString() : (path.isEmpty() ? message : path + QStringLiteral(": ") + message));
        emit applied(token, ok, path, message);
    });
    connect(worker_, &EngineWorker::snapshotReady, this, &EngineBridge::snapshotReady);
    connect(worker_, &EngineWorker::moduleStatusReady, this, [this](const QString& path, const nlohmann::json& status, qint64 at) {
        nlohmann::json& kept = moduleStatus_[path];
        const bool changed = kept != status;
        kept = status;
        if (changed && path == upstreams_path) emit upstreamsChanged();
        emit moduleStatusRead(path, status, at);
    });
    thread_.start();
    QMetaObject::invokeMethod(worker_, [w = worker_, pollMs] { w->start(pollMs); }, Qt::QueuedConnection);
}

EngineBridge::~EngineBridge() {
    // Stopping the engine waits for in-flight requests; it runs on the worker thread, which we join.
    QMetaObject::invokeMethod(worker_, [w = worker_] { w->shutdown(); }, Qt::QueuedConnection);
    thread_.quit();
    thread_.wait();
    delete worker_;
}

quint64 EngineBridge::apply(const nlohmann::json& config) {
    const quint64 token = ++nextToken_;
    ++pendingApplies_;
    setState(QStringLiteral("applying"), lastError_);
    QMetaObject::invokeMethod(worker_, [w = worker_, config, token] { w->apply(config, token); }, Qt::QueuedConnection);
    return token;
}

quint64 EngineBridge::validate(const nlohmann::json& config) {
    const quint64 generation = ++newestValidation_;
    QMetaObject::invokeMethod(worker_, [w = worker_, config, generation, newest = &newestValidation_] {
        w->validate(config, generation, newest);
    }, Qt::QueuedConnection);
    return generation;
}

const nlohmann::json& EngineBridge::moduleStatus(const QString& adminPath) const {
    static const nlohmann::json none;
    const auto it = moduleStatus_.find(adminPath);
    return it == moduleStatus_.end() ? none : it->second;
}

const nlohmann::json& EngineBridge::upstreams() const {
    static const nlohmann::json none = nlohmann::json::array();
    const nlohmann::json& status = moduleStatus(upstreams_path);
    return status.is_array() ? status : none;
}

void EngineBridge::pollNow() {
    QMetaObject::invokeMethod(worker_, [w = worker_] { w->poll(); }, Qt::QueuedConnection);
}

void EngineBridge::setState(const QString& state, const QString& error) {
    if (pendingApplies_ > 0 && state != QLatin1String("applying")) return setState(QStringLiteral("applying"), error);
    if (state == state_ && error == lastError_) return;
    state_ = state;
    lastError_ = error;
    emit stateChanged();
}

} // namespace proxflow::ui
