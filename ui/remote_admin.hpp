#pragma once
#include <nlohmann/json.hpp>

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

class QNetworkAccessManager;
class QNetworkReply;

namespace proxflow::ui {

// A running proxflow or Caddy reached through its admin API: GET /config/ to pull its JSON,
// POST /load to push one, GET /metrics to peek. All asynchronous (QNetworkAccessManager).
class RemoteAdmin : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ConsoleSession")
    Q_PROPERTY(QString address READ address WRITE setAddress NOTIFY addressChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY statusChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(bool ok READ ok NOTIFY statusChanged)
    Q_PROPERTY(QString metricsText READ metricsText NOTIFY metricsTextChanged)

public:
    explicit RemoteAdmin(QObject* parent = nullptr);

    QString address() const { return address_; }
    void setAddress(const QString& address);
    bool busy() const { return busy_ > 0; }
    QString status() const { return status_; }
    bool ok() const { return ok_; }
    QString metricsText() const { return metricsText_; }

    Q_INVOKABLE void pull();
    void push(const nlohmann::json& config);
    Q_INVOKABLE void fetchMetrics();

signals:
    void addressChanged();
    void statusChanged();
    void metricsTextChanged();
    void pulled(const nlohmann::json& config, const QString& address);
    void pushed(const QString& address);

private:
    QString url(const QString& path) const;
    QNetworkReply* track(QNetworkReply* reply);
    void setStatus(bool ok, const QString& status);

    QNetworkAccessManager* network_;
    QString address_ = QStringLiteral("localhost:2019");
    int busy_ = 0;
    QString status_;
    bool ok_ = true;
    QString metricsText_;
};

} // namespace proxflow::ui
