#include "traffic_generator.hpp"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace proxflow::ui {

TrafficGenerator::TrafficGenerator(QObject* parent)
    : QObject(parent), network_(new QNetworkAccessManager(this)), pacer_(new QTimer(this)) {
    pacer_->setTimerType(Qt::PreciseTimer);
    connect(pacer_, &QTimer::timeout, this, &TrafficGenerator::pace);
}

void TrafficGenerator::pace() {
    // Sends what the rate allows since the run started, within the concurrency limit.
    const int due = std::min(total_, int(clock_.elapsed() * rate_ / 1000.0) + 1);
    while (sent_ < due && inFlight_ < concurrency_) sendNext();
    if (sent_ >= total_) pacer_->stop();
}

void TrafficGenerator::start(const QString& url, int total, int concurrency, const QString& method, double ratePerSecond) {
    ++run_;
    url_ = url;
    method_ = method.isEmpty() ? QStringLiteral("GET") : method.toUpper();
    total_ = std::max(0, total);
    sent_ = inFlight_ = completed_ = failed_ = 0;
    summary_ = tr("sending %1 requests to %2").arg(total_).arg(url_);
    concurrency_ = std::max(1, concurrency);
    rate_ = std::max(0.0, ratePerSecond);
    clock_.start();
    if (rate_ > 0) {
        pacer_->start(10);
        pace();
    } else {
        pacer_->stop();
        for (int i = 0; i < concurrency_ && sent_ < total_; ++i) sendNext();
    }
    emit progressChanged();
}

void TrafficGenerator::stop() {
    ++run_; // replies of the old run are counted no more
    pacer_->stop();
    total_ = sent_ = completed_;
    inFlight_ = 0;
    summary_ = tr("stopped after %1 requests").arg(completed_);
    emit progressChanged();
}

void TrafficGenerator::sendNext() {
    QNetworkRequest request{QUrl(url_)};
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setTransferTimeout(10000);
    QNetworkReply* reply = network_->sendCustomRequest(request, method_.toUtf8());
    ++sent_;
    ++inFlight_;
    connect(reply, &QNetworkReply::finished, this, [this, reply, run = run_] {
        reply->deleteLater();
        if (run != run_) return;
        --inFlight_;
        ++completed_;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError && status == 0) ++failed_;
        if (sent_ < total_ && rate_ <= 0) sendNext();
        if (!running()) {
            summary_ = tr("%1 requests in %2 s, %3 failed to connect")
                           .arg(completed_)
                           .arg(clock_.elapsed() / 1000.0, 0, 'f', 1)
                           .arg(failed_);
            emit progressChanged();
            emit finished();
            return;
        }
        emit progressChanged();
    });
}

} // namespace proxflow::ui
