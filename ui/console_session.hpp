#pragma once
#include "config_document.hpp"
#include "country_model.hpp"
#include "engine_bridge.hpp"
#include "history_model.hpp"
#include "policy_list_model.hpp"
#include "remote_admin.hpp"
#include "server_list_model.hpp"
#include "site_list_model.hpp"
#include "traffic_generator.hpp"
#include "traffic_stats.hpp"
#include "ui_state.hpp"

#include <nlohmann/json.hpp>

#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

#include <map>

namespace proxflow::ui {


// One console window's state: the document being edited, the embedded engine, the models the
// views show and the remote server. It decides what happens between them: edits are validated
// (debounced, on the engine thread), Apply swaps the engine's config and records a snapshot,
// rejected configs put their error on the field.
class ConsoleSession : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by main() or a test")
    Q_PROPERTY(ConfigDocument* document READ document CONSTANT)
    Q_PROPERTY(EngineBridge* engine READ engine CONSTANT)
    Q_PROPERTY(SiteListModel* sites READ sites CONSTANT)
    Q_PROPERTY(HistoryModel* history READ history CONSTANT)
    Q_PROPERTY(PolicyListModel* policies READ policies CONSTANT)
    Q_PROPERTY(TrafficStats* traffic READ traffic CONSTANT)
    Q_PROPERTY(CountryModel* countries READ countries CONSTANT)
    Q_PROPERTY(RemoteAdmin* remote READ remote CONSTANT)
    Q_PROPERTY(ServerListModel* servers READ servers CONSTANT)
    Q_PROPERTY(UiState* ui READ ui CONSTANT)
    Q_PROPERTY(TrafficGenerator* testTraffic READ testTraffic CONSTANT)
    Q_PROPERTY(QString statusMessage READ statusMessage NOTIFY statusMessageChanged)
    Q_PROPERTY(QString configText READ configText NOTIFY configTextChanged)
    Q_PROPERTY(QString importError READ importError NOTIFY importErrorChanged)
    Q_PROPERTY(int importErrorLine READ importErrorLine NOTIFY importErrorChanged)
    Q_PROPERTY(QString importedText READ importedText NOTIFY importErrorChanged)
    Q_PROPERTY(QString version READ version CONSTANT)

public:
    struct Options {
        unsigned engineThreads = 2;
        int pollMs = 1000;
        bool persist = true;      // restore from and save to AppConfigLocation (project, UI state, servers)
        bool applyOnStart = true; // run the restored config
    };
    explicit ConsoleSession(QObject* parent = nullptr);
    ConsoleSession(Options options, QObject* parent = nullptr);
    ~ConsoleSession() override;

    ConfigDocument* document() const { return document_; }
    EngineBridge* engine() const { return engine_; }
    SiteListModel* sites() const { return sites_; }
    HistoryModel* history() const { return history_; }
    PolicyListModel* policies() const { return policies_; }
    TrafficStats* traffic() const { return traffic_; }
    CountryModel* countries() const { return countries_; }
    RemoteAdmin* remote() const { return remote_; }
    ServerListModel* servers() const { return servers_; }
    UiState* ui() const { return ui_; }
    TrafficGenerator* testTraffic() const { return testTraffic_; }
    QString statusMessage() const { return statusMessage_; }
    QString configText() const;
    QString importError() const { return importError_; }
    int importErrorLine() const { return importErrorLine_; }
    QString importedText() const { return importedText_; }
    QString version() const;

    Q_INVOKABLE void apply(const QString& note = {});
    Q_INVOKABLE void rollback(int historyRow);
    Q_INVOKABLE bool save();
    Q_INVOKABLE bool importFile(const QUrl& file);
    Q_INVOKABLE bool exportFile(const QUrl& file) const;
    Q_INVOKABLE void copyConfigText() const;
    Q_INVOKABLE void pullFromServer();
    Q_INVOKABLE void pushToServer();
    Q_INVOKABLE void openExample();
    // "http://127.0.0.1:PORT" for a site's first listen address (the traffic panel's target).
    Q_INVOKABLE QString siteUrl(const QString& serverName) const;
    Q_INVOKABLE static int freePort();

signals:
    void statusMessageChanged();
    void configTextChanged();
    void importErrorChanged();
    void appliedConfig(bool ok);

private:
    void setStatus(const QString& message);
    void validateSoon();
    void keepCurrentSite();

    Options options_;
    ConfigDocument* document_;
    EngineBridge* engine_;
    SiteListModel* sites_;
    HistoryModel* history_;
    PolicyListModel* policies_;
    TrafficStats* traffic_;
    CountryModel* countries_;
    RemoteAdmin* remote_;
    ServerListModel* servers_;
    UiState* ui_;
    TrafficGenerator* testTraffic_;
    QTimer validation_;
    std::map<quint64, std::pair<nlohmann::json, QString>> pending_; // apply token -> (config, note)
    QString statusMessage_;
    QString importError_;
    int importErrorLine_ = 0;
    QString importedText_;
};

} // namespace proxflow::ui
