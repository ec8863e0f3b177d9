#include "remote_admin.hpp"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace proxflow::ui {
namespace {
constexpr int transfer_timeout_ms = 15000;
}

RemoteAdmin::RemoteAdmin(QObject* parent) : QObject(parent), network_(new QNetworkAccessManager(this)) {}

void RemoteAdmin::setAddress(const QString& address) {
    if (address == address_) return;
    address_ = address.trimmed();
    emit addressChanged();
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

void RemoteAdmin::fetchMetrics() {
    QNetworkReply* reply = track(network_->get(request(url(QStringLiteral("/metrics")))));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        metricsText_ = reply->error() == QNetworkReply::NoError ? QString::fromUtf8(reply->readAll())
                                                                 : tr("no /metrics: %1").arg(reply->errorString());
        emit metricsTextChanged();
    });
}

} // namespace proxflow::ui
