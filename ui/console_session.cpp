#include "console_session.hpp"

#include "caddyfile_text.hpp"
#include "config_document.hpp"
#include "country_model.hpp"
#include "engine_bridge.hpp"
#include "history_model.hpp"
#include "remote_admin.hpp"
#include "site_list_model.hpp"
#include "traffic_generator.hpp"
#include "traffic_stats.hpp"

#include <QClipboard>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QSaveFile>
#include <QTcpServer>

namespace proxflow::ui {
namespace {
constexpr int validation_delay_ms = 250;
}

ConsoleSession::ConsoleSession(QObject* parent) : ConsoleSession(Options{}, parent) {}

ConsoleSession::ConsoleSession(Options options, QObject* parent)
    : QObject(parent),
      options_(options),
      document_(new ConfigDocument(this)),
      engine_(new EngineBridge(options.engineThreads, options.pollMs, this)),
      sites_(new SiteListModel(this)),
      history_(new HistoryModel(this)),
      policies_(new PolicyListModel(this)),
      traffic_(new TrafficStats(this)),
      countries_(new CountryModel(this)),
      remote_(new RemoteAdmin(this)),
      servers_(new ServerListModel(this)),
      ui_(new UiState(this)),
      testTraffic_(new TrafficGenerator(this)) {
    sites_->setDocument(document_);
    // Kept by the session, so rates have the reads before a view opens and across view changes.
    policies_->setDocument(document_);
    policies_->setEngine(engine_);
    policies_->setRemote(remote_);

    validation_.setSingleShot(true);
    validation_.setInterval(validation_delay_ms);
    connect(&validation_, &QTimer::timeout, this, [this] { engine_->validate(document_->root()); });
    connect(document_, &ConfigDocument::changed, this, [this] {
        validateSoon();
        keepCurrentSite();
        emit configTextChanged();
    });
    connect(engine_, &EngineBridge::validated, this,
            [this](quint64, const QString& path, const QString& message) { document_->setError(path, message); });

    connect(engine_, &EngineBridge::applied, this, [this](quint64 token, bool ok, const QString& path, const QString& message) {
        auto it = pending_.find(token);
        if (it == pending_.end()) return;
        auto [config, note] = std::move(it->second);
        pending_.erase(it);
        if (ok) {
            history_->add(config, note.isEmpty() ? tr("applied") : note);
            if (options_.persist) history_->save();
            document_->setError({}, {});
            setStatus(tr("applied: the engine runs this config"));
        } else {
            document_->setError(path, message);
            setStatus(tr("not applied, the running config is unchanged: %1").arg(path.isEmpty() ? message : path + QStringLiteral(": ") + message));
        }
        emit appliedConfig(ok);
    });

    connect(engine_, &EngineBridge::snapshotReady, this, [this](const metrics::Snapshot& snapshot) {
        traffic_->update(snapshot);
        countries_->update(snapshot);
        sites_->updateLive(snapshot);
    });

    connect(remote_, &RemoteAdmin::pulled, this, [this](const nlohmann::json& config, const QString& from) {
        history_->add(config, tr("pulled from %1").arg(from));
        if (options_.persist) history_->save();
        document_->replace(config);
        setStatus(tr("loaded the running config of %1 into the editors").arg(from));
    });
    connect(remote_, &RemoteAdmin::pushed, this, [this](const QString& to) {
        history_->add(document_->root(), tr("pushed to %1").arg(to));
        if (options_.persist) history_->save();
    });

    if (options_.persist) {
        history_->restore();
        servers_->restore();
        servers_->setPersistent(true);
        ui_->restore();
        if (document_->restore() && options_.applyOnStart && !document_->empty()) apply(tr("restored on start"));
    }
    keepCurrentSite();
}

// Quitting keeps where the user was (the project itself is saved only when they say so).
ConsoleSession::~ConsoleSession() {
    if (options_.persist) ui_->save();
}

void ConsoleSession::keepCurrentSite() {
    const QStringList names = document_->serverNames();
    if (!names.contains(ui_->currentSite())) ui_->setCurrentSite(names.value(0));
}

QString ConsoleSession::configText() const { return ui::configText(document_->root()); }
QString ConsoleSession::version() const { return QStringLiteral(PROXFLOW_VERSION); }

void ConsoleSession::setStatus(const QString& message) {
    statusMessage_ = message;
    emit statusMessageChanged();
}

void ConsoleSession::validateSoon() { validation_.start(); }

void ConsoleSession::apply(const QString& note) {
    const nlohmann::json config = document_->root();
    pending_[engine_->apply(config)] = {config, note};
    setStatus(tr("applying…"));
}

void ConsoleSession::rollback(int historyRow) {
    const nlohmann::json config = history_->configAt(historyRow);
    if (!config.is_object()) return;
    const QString when = history_->value(historyRow, QStringLiteral("time")).toString();
    document_->replace(config);
    apply(tr("rollback to %1").arg(when));
}

bool ConsoleSession::save() {
    const bool ok = document_->save() && history_->save() && ui_->save();
    setStatus(ok ? tr("saved to %1").arg(document_->filePath()) : tr("could not save to %1").arg(ConfigDocument::defaultFile()));
    return ok;
}

bool ConsoleSession::importFile(const QUrl& file) {
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    QFile in(path);
    importError_.clear();
    importErrorLine_ = 0;
    if (!in.open(QIODevice::ReadOnly)) {
        importError_ = tr("cannot read %1").arg(path);
        emit importErrorChanged();
        return false;
    }
    importedText_ = QString::fromUtf8(in.readAll());
    const AdaptResult result = adaptText(importedText_, QFileInfo(path).fileName());
    if (!result.error.isEmpty()) {
        importError_ = result.error;
        importErrorLine_ = result.line;
        emit importErrorChanged();
        setStatus(tr("import failed: %1").arg(result.error));
        return false;
    }
    emit importErrorChanged();
    document_->replace(result.config);
    setStatus(tr("imported %1; Apply to run it").arg(QFileInfo(path).fileName()));
    return true;
}

bool ConsoleSession::exportFile(const QUrl& file) const {
    QSaveFile out(file.isLocalFile() ? file.toLocalFile() : file.toString());
    if (!out.open(QIODevice::WriteOnly)) return false;
    out.write(configText().toUtf8());
    return out.commit();
}

void ConsoleSession::copyConfigText() const {
    if (auto* clipboard = QGuiApplication::clipboard()) clipboard->setText(configText());
}

void ConsoleSession::pullFromServer() { remote_->pull(); }

void ConsoleSession::pushToServer() { remote_->push(document_->root()); }

void ConsoleSession::openExample() {
    document_->loadExample(freePort());
    setStatus(tr("example project opened; Apply to run it"));
}

QString ConsoleSession::siteUrl(const QString& serverName) const {
    QString listen = document_->textAt(QStringLiteral("apps.http.servers.%1.listen[0]").arg(serverName));
    if (listen.isEmpty()) return {};
    const int colon = listen.lastIndexOf(QLatin1Char(':'));
    QString host = listen.left(colon);
    if (host.isEmpty() || host == QLatin1String("0.0.0.0") || host == QLatin1String("[::]")) host = QStringLiteral("127.0.0.1");
    return QStringLiteral("http://%1:%2").arg(host, listen.mid(colon + 1));
}

int ConsoleSession::freePort() {
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) return 8080;
    return probe.serverPort();
}

} // namespace proxflow::ui
