#include "engine_worker.hpp"

#include "module/registry.hpp"
#include "server/runtime.hpp"

#include <QDeadlineTimer>
#include <QTimer>

namespace proxflow::ui {
namespace {

// The engine's JSON path and the message without it ("path: message" is what() of ConfigError).
std::pair<QString, QString> describe(const std::exception& error) {
    QString message = QString::fromStdString(error.what());
    const auto* config = dynamic_cast<const ConfigError*>(&error);
    const QString path = config ? QString::fromStdString(config->path()) : QString();
    if (!path.isEmpty() && message.startsWith(path + QStringLiteral(": "))) message = message.mid(path.size() + 2);
    return {path, message};
}

} // namespace

EngineWorker::EngineWorker(unsigned threads) : threads_(threads) {}

EngineWorker::~EngineWorker() { shutdown(); }

void EngineWorker::start(int pollMs) {
    engine_ = std::make_unique<Engine>(EngineOptions{threads_});
    timer_ = new QTimer(this);
    connect(timer_, &QTimer::timeout, this, &EngineWorker::poll);
    timer_->start(pollMs);
}

void EngineWorker::apply(const nlohmann::json& config, quint64 token) {
    try {
        engine_->load(config);
        emit applied(token, true, {}, {});
        poll();
    } catch (const std::exception& e) {
        const auto [path, message] = describe(e);
        emit applied(token, false, path, message);
    }
}

void EngineWorker::validate(const nlohmann::json& config, quint64 generation, const std::atomic<quint64>* newest) {
    if (generation < newest->load()) return;
    try {
        UsagePool state;
        asio::io_context io;
        Runtime::build(config, state, io);
        emit validated(generation, {}, {});
    } catch (const std::exception& e) {
        const auto [path, message] = describe(e);
        emit validated(generation, path, message);
    }
}

void EngineWorker::poll() {
    if (!engine_) return;
    emit snapshotReady(engine_->metrics_snapshot(true));
    for (const ModuleDescriptor& module : modules())
        for (const StatusEndpoint& endpoint : module.status.endpoints) {
            const qint64 at = QDeadlineTimer::current().deadline();
            emit moduleStatusReady(QString::fromStdString(endpoint.admin_path), engine_->module_status(endpoint.admin_path), at);
        }
}

void EngineWorker::shutdown() {
    if (timer_) timer_->stop();
    if (!engine_) return;
    engine_->stop();
    engine_->wait();
    engine_.reset();
}

} // namespace proxflow::ui
