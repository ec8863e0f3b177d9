// Apply under load: wrk keeps 8 connections busy against a site of the console's in-process engine
// while the console applies a changed config; not one request may fail or get a non-2xx answer.
#include "console_session.hpp"
#include "peer_program.hpp"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

using namespace proxflow::ui;

namespace {

json staticSite(int port, const std::string& body) {
    return {{"admin", {{"disabled", true}}},
            {"apps",
             {{"http",
               {{"servers",
                 {{"s",
                   {{"listen", json::array({"127.0.0.1:" + std::to_string(port)})},
                    {"routes", json::array({{{"handle", json::array({{{"handler", "static_response"}, {"body", body}}})}}})}}}}}}}}}};
}

QString get(QNetworkAccessManager& network, const QString& url) {
    QNetworkReply* reply = network.get(QNetworkRequest(QUrl(url)));
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(5000)) return QStringLiteral("<timeout>");
    reply->deleteLater();
    return reply->error() == QNetworkReply::NoError ? QString::fromUtf8(reply->readAll()) : QStringLiteral("<error>");
}

} // namespace

class ApplyUnderLoadTest : public QObject {
    Q_OBJECT
    QProcess wrk_;

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void cleanupTestCase() {
        if (wrk_.state() == QProcess::NotRunning) return;
        wrk_.kill(); // the one wrk this test started
        wrk_.waitForFinished(3000);
    }

    void apply_under_wrk_load_drops_no_request() {
        PROXFLOW_REQUIRE_PEER(wrk, "wrk", "./dev.sh installs it");
        ConsoleSession session({.engineThreads = 2, .pollMs = 500, .persist = false, .applyOnStart = false});
        const int port = ConsoleSession::freePort();
        const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(port);
        QSignalSpy applied(&session, &ConsoleSession::appliedConfig);
        session.document()->replace(staticSite(port, "before"));
        session.apply("before");
        QVERIFY(applied.wait(5000));
        QCOMPARE(applied.takeFirst().at(0).toBool(), true);
        QNetworkAccessManager network;
        QCOMPARE(get(network, url), QStringLiteral("before"));

        wrk_.setProcessChannelMode(QProcess::MergedChannels);
        wrk_.start(wrk, {"-t1", "-c8", "-d4s", url});
        QVERIFY(wrk_.waitForStarted());
        QTest::qWait(1500); // wrk is well into its run

        session.document()->replace(staticSite(port, "after"));
        session.apply("mid-run change");
        QVERIFY(applied.wait(5000));
        QCOMPARE(applied.takeFirst().at(0).toBool(), true);
        QCOMPARE(session.history()->value(0, "note").toString(), QStringLiteral("mid-run change"));
        QCOMPARE(wrk_.state(), QProcess::Running); // the swap happened under load

        QSignalSpy finished(&wrk_, &QProcess::finished);
        QVERIFY(wrk_.state() == QProcess::NotRunning || finished.wait(15000));
        const QString report = QString::fromUtf8(wrk_.readAll());
        qInfo().noquote() << report;
        QCOMPARE(wrk_.exitCode(), 0);
        const auto requests = QRegularExpression(QStringLiteral(R"((\d+) requests in)")).match(report);
        QVERIFY2(requests.hasMatch(), qPrintable(report));
        QVERIFY2(requests.captured(1).toInt() > 1000, qPrintable(report));
        // wrk prints these lines only when something went wrong.
        QVERIFY2(!report.contains("Socket errors"), qPrintable(report));
        QVERIFY2(!report.contains("Non-2xx or 3xx responses"), qPrintable(report));
        QCOMPARE(get(network, url), QStringLiteral("after"));
    }
};

QTEST_MAIN(ApplyUnderLoadTest)
#include "apply_under_load_test.moc"
