#include "remote_admin.hpp"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QTime>

namespace proxflow::ui {
namespace {
constexpr int transfer_timeout_ms = 15000;
constexpr int default_watch_interval_ms = 3000;
}

MetricTotals metricTotals(const QString& text) {
    // name{labels} value: comments and other families are skipped
    static const QRegularExpression sample(QStringLiteral(R"(^([a-z_]+)(\{[^}]*\})?\s+([0-9.eE+-]+)\s*$)"),
                                           QRegularExpression::MultilineOption);
    MetricTotals totals;
    for (auto it = sample.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        const QString name = m.captured(1), labels = m.captured(2);
        const double value = m.captured(3).toDouble();
        if (name == QLatin1String("proxflow_http_requests_total") || name == QLatin1String("caddy_http_requests_total")) {
            totals.found = true;
            totals.requests += value;
        } else if (name == QLatin1String("proxflow_http_responses_total") && labels.contains(QLatin1String("code_class=\"5xx\""))) {
            totals.errors += value;
        } else if (name == QLatin1String("proxflow_rate_limit_requests_total") &&
                   (labels.contains(QLatin1String("result=\"rejected\"")) || labels.contains(QLatin1String("result=\"dropped\"")))) {
            totals.rateLimited += value;
        }
    }
    return totals;
}

RemoteAdmin::RemoteAdmin(QObject* parent) : QObject(parent), network_(new QNetworkAccessManager(this)) {
    watch_.setInterval(default_watch_interval_ms);
    connect(&watch_, &QTimer::timeout, this, &RemoteAdmin::fetchMetrics);
}

void RemoteAdmin::setWatching(bool watching) {
    if (watching == watch_.isActive()) return;
    if (watching) {
        watch_.start();
        fetchMetrics();
    } else {
        watch_.stop();
    }
    emit watchingChanged();
}

void RemoteAdmin::setWatchIntervalMs(int ms) {
    if (ms == watch_.interval() || ms <= 0) return;
    watch_.setInterval(ms);
    emit watchingChanged();
}

void RemoteAdmin::setAddress(const QString& address) {
    if (address.trimmed() == address_) return;
    address_ = address.trimmed();
    // Totals and metrics belong to the previous server.
    totals_ = {};
    metricsText_.clear();
    metricsTime_.clear();
    emit addressChanged();
    emit metricsTextChanged();
}

QString RemoteAdmin::url(const QString& path) const {
    QString base = address_;
    if (!base.startsWith(QLatin1String("http://")) && !base.startsWith(QLatin1String("https://"))) base.prepend(QStringLiteral("http://"));
    while (base.endsWith(QLatin1Char('/'))) base.chop(1);
    return base + path;
}

QNetworkReply* RemoteAdmin::track(QNetworkReply* reply) {
    ++busy_;
    emit statusChanged();
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        --busy_;
        reply->deleteLater();
        emit statusChanged();
    });
    return reply;
}

void RemoteAdmin::setStatus(bool ok, const QString& status) {
    ok_ = ok;
    status_ = status;
    emit statusChanged();
}

static QNetworkRequest request(const QString& url) {
    QNetworkRequest r{QUrl(url)};
    r.setTransferTimeout(transfer_timeout_ms);
    return r;
}

void RemoteAdmin::pull() {
    const QString from = address_;
    setStatus(true, tr("pulling config from %1…").arg(from));
    QNetworkReply* reply = track(network_->get(request(url(QStringLiteral("/config/")))));
    connect(reply, &QNetworkReply::finished, this, [this, reply, from] {
        const QByteArray body = reply->readAll();
        if (reply->error() != QNetworkReply::NoError)
            return setStatus(false, tr("pull from %1 failed: %2 %3").arg(from, reply->errorString(), QString::fromUtf8(body).trimmed()));
        auto config = nlohmann::json::parse(body.toStdString(), nullptr, false);
        if (config.is_null()) config = nlohmann::json::object(); // a fresh Caddy answers `null`
        if (!config.is_object()) return setStatus(false, tr("%1 did not answer with a JSON config").arg(from));
        setStatus(true, tr("pulled the running config of %1").arg(from));
        emit pulled(config, from);
    });
}

void RemoteAdmin::push(const nlohmann::json& config) {
    const QString to = address_;
    setStatus(true, tr("pushing config to %1…").arg(to));
    QNetworkRequest r = request(url(QStringLiteral("/load")));
    r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply* reply = track(network_->post(r, QByteArray::fromStdString(config.dump())));
    connect(reply, &QNetworkReply::finished, this, [this, reply, to] {
        const QByteArray body = reply->readAll();
        if (reply->error() != QNetworkReply::NoError)
            return setStatus(false, tr("%1 rejected the config: %2").arg(to, QString::fromUtf8(body).trimmed().left(400)));
        setStatus(true, tr("%1 is running the pushed config").arg(to));
        emit pushed(to);
    });
}

void RemoteAdmin::connectToServer() {
    const QString to = address_;
    setStatus(true, tr("connecting to %1…").arg(to));
    QNetworkReply* reply = track(network_->get(request(url(QStringLiteral("/config/")))));
    connect(reply, &QNetworkReply::finished, this, [this, reply, to] {
        if (reply->error() != QNetworkReply::NoError) return setStatus(false, tr("cannot reach %1: %2").arg(to, reply->errorString()));
        const auto config = nlohmann::json::parse(reply->readAll().toStdString(), nullptr, false);
        const auto* servers = config.is_object() && config.contains("apps") && config["apps"].contains("http") &&
                                      config["apps"]["http"].contains("servers")
                                  ? &config["apps"]["http"]["servers"]
                                  : nullptr;
        const int sites = servers && servers->is_object() ? int(servers->size()) : 0;
        setStatus(true, tr("connected to %1: it runs %n site(s)", nullptr, sites).arg(to));
    });
}

void RemoteAdmin::fetchMetrics() {
    if (metricsInFlight_) return; // a slow server gets one poll at a time
    metricsInFlight_ = true;
    const QString from = address_;
    // Not tracked as busy: a watched server is polled all the time and the buttons stay usable.
    QNetworkReply* reply = network_->get(request(url(QStringLiteral("/metrics"))));
    connect(reply, &QNetworkReply::finished, this, [this, reply, from] {
        reply->deleteLater();
        metricsInFlight_ = false;
        if (from != address_) return;
        const bool ok = reply->error() == QNetworkReply::NoError;
        metricsText_ = ok ? QString::fromUtf8(reply->readAll()) : tr("no /metrics: %1").arg(reply->errorString());
        totals_ = ok ? metricTotals(metricsText_) : MetricTotals{};
        metricsTime_ = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
        emit metricsTextChanged();
    });
}

} // namespace proxflow::ui

namespace proxflow::ui {

void RemoteAdmin::fetchStatus(const QString& adminPath) {
    if (statusInFlight_.contains(adminPath)) return;
    statusInFlight_ << adminPath;
    const QString from = address_;
    QNetworkReply* reply = network_->get(request(url(adminPath)));
    connect(reply, &QNetworkReply::finished, this, [this, reply, from, adminPath] {
        reply->deleteLater();
        statusInFlight_.removeAll(adminPath);
        if (from != address_) return; // an answer about the previous server
        if (reply->error() != QNetworkReply::NoError) return emit statusFailed(adminPath, tr("%1%2: %3").arg(from, adminPath, reply->errorString()));
        const auto status = nlohmann::json::parse(reply->readAll().toStdString(), nullptr, false);
        if (status.is_discarded()) return emit statusFailed(adminPath, tr("%1%2 did not answer with JSON").arg(from, adminPath));
        emit statusRead(adminPath, status, QDeadlineTimer::current().deadline());
    });
}

} // namespace proxflow::ui
