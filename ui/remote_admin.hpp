#pragma once
#include <nlohmann/json.hpp>

#include <QObject>
#include <QString>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

class QNetworkAccessManager;
class QNetworkReply;

namespace proxflow::ui {

// Request totals read from a Prometheus text page: proxflow's proxflow_http_requests_total and
// 5xx proxflow_http_responses_total, or Caddy's caddy_http_requests_total; and the requests
// proxflow's rate limits turned away (proxflow_rate_limit_requests_total, rejected and dropped).
struct MetricTotals {
    bool found = false;
    double requests = 0, errors = 0, rateLimited = 0;
};
MetricTotals metricTotals(const QString& prometheusText);

// A running proxflow or Caddy reached through its admin API: GET /config/ to pull its JSON,
// POST /load to push one, GET /metrics to peek, or watch it (polled every few seconds while
// `watching`, parsed into request totals). All asynchronous (QNetworkAccessManager).
class RemoteAdmin : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ConsoleSession")
    Q_PROPERTY(QString address READ address WRITE setAddress NOTIFY addressChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY statusChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(bool ok READ ok NOTIFY statusChanged)
    Q_PROPERTY(QString metricsText READ metricsText NOTIFY metricsTextChanged)
    Q_PROPERTY(bool watching READ watching WRITE setWatching NOTIFY watchingChanged)
    Q_PROPERTY(int watchIntervalMs READ watchIntervalMs WRITE setWatchIntervalMs NOTIFY watchingChanged)
    Q_PROPERTY(bool haveTotals READ haveTotals NOTIFY metricsTextChanged)
    Q_PROPERTY(double requestsTotal READ requestsTotal NOTIFY metricsTextChanged)
    Q_PROPERTY(double errorsTotal READ errorsTotal NOTIFY metricsTextChanged)
    Q_PROPERTY(double rateLimitedTotal READ rateLimitedTotal NOTIFY metricsTextChanged)
    Q_PROPERTY(QString metricsTime READ metricsTime NOTIFY metricsTextChanged)

public:
    explicit RemoteAdmin(QObject* parent = nullptr);

    QString address() const { return address_; }
    void setAddress(const QString& address);
    bool busy() const { return busy_ > 0; }
    QString status() const { return status_; }
    bool ok() const { return ok_; }
    QString metricsText() const { return metricsText_; }
    bool watching() const { return watch_.isActive(); }
    void setWatching(bool watching);
    int watchIntervalMs() const { return watch_.interval(); }
    void setWatchIntervalMs(int ms);
    bool haveTotals() const { return totals_.found; }
    double requestsTotal() const { return totals_.requests; }
    double errorsTotal() const { return totals_.errors; }
    double rateLimitedTotal() const { return totals_.rateLimited; }
    QString metricsTime() const { return metricsTime_; }

    // GET /config/ without loading it: is there an admin API, and what does it run?
    Q_INVOKABLE void connectToServer();
    Q_INVOKABLE void pull();
    void push(const nlohmann::json& config);
    Q_INVOKABLE void fetchMetrics();
    // GET adminPath (a module's status: /rate_limit/zones) once; answered by statusRead or
    // statusFailed. One request per path at a time, so a slow server is not piled on.
    void fetchStatus(const QString& adminPath);

signals:
    void addressChanged();
    void statusChanged();
    void metricsTextChanged();
    void watchingChanged();
    void pulled(const nlohmann::json& config, const QString& address);
    void pushed(const QString& address);
    // readAtMs: the steady-clock millisecond the answer arrived.
    void statusRead(const QString& adminPath, const nlohmann::json& status, qint64 readAtMs);
    void statusFailed(const QString& adminPath, const QString& error);

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
    QTimer watch_;
    MetricTotals totals_;
    QString metricsTime_;
    bool metricsInFlight_ = false;
    QStringList statusInFlight_;
};

} // namespace proxflow::ui
