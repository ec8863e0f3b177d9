#pragma once
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

class QNetworkAccessManager;
class QTimer;

namespace proxflow::ui {

// Test traffic: N requests with a method and path, at most `concurrency` at a time, through a site,
// so a new user sees the charts move without another tool. Asynchronous (QNetworkAccessManager,
// which opens at most 6 connections per host, so concurrency above 6 queues in Qt).
class TrafficGenerator : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool running READ running NOTIFY progressChanged)
    Q_PROPERTY(int total READ total NOTIFY progressChanged)
    Q_PROPERTY(int completed READ completed NOTIFY progressChanged)
    Q_PROPERTY(int failed READ failed NOTIFY progressChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
    Q_PROPERTY(QString summary READ summary NOTIFY progressChanged)

public:
    explicit TrafficGenerator(QObject* parent = nullptr);

    bool running() const { return inFlight_ > 0 || sent_ < total_; }
    int total() const { return total_; }
    int completed() const { return completed_; }
    int failed() const { return failed_; }
    double progress() const { return total_ ? double(completed_) / total_ : 0; }
    QString summary() const { return summary_; }

    // ratePerSecond > 0 paces the requests (a steady rate); 0 sends as fast as `concurrency` allows.
    Q_INVOKABLE void start(const QString& url, int total, int concurrency, const QString& method = QStringLiteral("GET"),
                           double ratePerSecond = 0);
    Q_INVOKABLE void stop();

signals:
    void progressChanged();
    void finished();

private:
    void sendNext();
    void pace();

    QNetworkAccessManager* network_;
    QString url_, method_;
    int total_ = 0, sent_ = 0, inFlight_ = 0, completed_ = 0, failed_ = 0, concurrency_ = 1;
    double rate_ = 0;
    QTimer* pacer_;
    quint64 run_ = 0;
    QElapsedTimer clock_;
    QString summary_;
};

} // namespace proxflow::ui
