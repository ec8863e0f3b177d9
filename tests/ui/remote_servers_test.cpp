// The Servers view's model against a real `proxflow run` started by the test on 127.0.0.1: connect,
// load its config, push an edited one (POST /load) and watch its /metrics turn into request totals;
// the Policies and Upstreams views' live state read from its admin API.
#include "console_session.hpp"
#include "upstream_list_model.hpp"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace proxflow::ui;

namespace {

bool waitForPort(int port, int timeoutMs = 10000) {
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        if (socket.waitForConnected(200)) return true;
        QTest::qWait(100);
    }
    return false;
}

QString get(QNetworkAccessManager& network, const QString& url) {
    QNetworkReply* reply = network.get(QNetworkRequest(QUrl(url)));
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(5000)) return QStringLiteral("<timeout>");
    reply->deleteLater();
    return reply->error() == QNetworkReply::NoError ? QString::fromUtf8(reply->readAll()) : QStringLiteral("<error>");
}

// A free port below Linux's ephemeral range (32768 and up) for a server that binds every address, as
// Caddy does for `:PORT`: a probed ephemeral port can come back as the local port of this test's own
// next connection, whose TIME_WAIT then makes that bind fail.
int portOutsideEphemeralRange() {
    for (int port = 20000 + QCoreApplication::applicationPid() % 10000, tries = 0; tries < 1000; ++tries, ++port) {
        QTcpServer probe;
        if (probe.listen(QHostAddress::Any, static_cast<quint16>(port))) return port;
    }
    return 0;
}

} // namespace

class RemoteServersTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QProcess proxflow_;
    int adminPort_ = 0, sitePort_ = 0;
    QString admin_;
    QNetworkAccessManager network_;

    QString site() const { return QStringLiteral("http://127.0.0.1:%1/").arg(sitePort_); }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        adminPort_ = ConsoleSession::freePort();
        sitePort_ = ConsoleSession::freePort();
        QVERIFY(adminPort_ != sitePort_);
        admin_ = QStringLiteral("127.0.0.1:%1").arg(adminPort_);
        QFile config(dir_.filePath("config.json"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QStringLiteral(R"({"admin": {"listen": "%1"}, "apps": {"http": {"servers": {"remote": {
            "listen": ["127.0.0.1:%2"], "routes": [{"handle": [{"handler": "static_response", "body": "one"}]}]}}}}})")
                         .arg(admin_)
                         .arg(sitePort_)
                         .toUtf8());
        config.close();
        proxflow_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        proxflow_.start(QStringLiteral(PROXFLOW_BINARY), {"run", "--config", config.fileName()});
        QVERIFY(proxflow_.waitForStarted());
        QVERIFY(waitForPort(adminPort_));
        QVERIFY(waitForPort(sitePort_));
        QCOMPARE(get(network_, site()), QStringLiteral("one"));
    }

    void cleanupTestCase() {
        if (proxflow_.state() == QProcess::NotRunning) return;
        proxflow_.terminate(); // only the process this test started, by its PID
        if (!proxflow_.waitForFinished(5000)) proxflow_.kill();
        proxflow_.waitForFinished(3000);
    }

    void connecting_tells_what_the_server_runs() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        const int row = session.servers()->add(admin_);
        QCOMPARE(row, 1);
        QCOMPARE(session.servers()->value(row, "address").toString(), admin_);
        session.remote()->setAddress(admin_);
        session.remote()->connectToServer();
        QTRY_VERIFY(!session.remote()->busy());
        QVERIFY2(session.remote()->ok(), qPrintable(session.remote()->status()));
        QVERIFY2(session.remote()->status().contains("1 site"), qPrintable(session.remote()->status()));
        QVERIFY(session.document()->empty()); // connecting loads nothing

        session.remote()->setAddress(QStringLiteral("127.0.0.1:%1").arg(ConsoleSession::freePort()));
        session.remote()->connectToServer();
        QTRY_VERIFY(!session.remote()->busy());
        QVERIFY(!session.remote()->ok());
    }

    void load_edit_and_push_changes_what_the_remote_serves() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        session.remote()->setAddress(admin_);
        session.pullFromServer();
        QTRY_VERIFY_WITH_TIMEOUT(session.document()->serverNames().contains("remote"), 5000);
        const QString body = "apps.http.servers.remote.routes[0].handle[0].body";
        QCOMPARE(session.document()->textAt(body), QStringLiteral("one"));

        session.document()->setText(body, "two");
        QSignalSpy pushed(session.remote(), &RemoteAdmin::pushed);
        session.pushToServer();
        QVERIFY(pushed.wait(5000));
        QVERIFY2(session.remote()->ok(), qPrintable(session.remote()->status()));
        QTRY_COMPARE(get(network_, site()), QStringLiteral("two"));
        QVERIFY(session.history()->value(0, "note").toString().startsWith("pushed to"));
        QVERIFY(session.history()->value(1, "note").toString().startsWith("pulled from"));

        // A config the remote rejects leaves it serving the last one, with its error shown.
        session.document()->setText("apps.http.servers.remote.listen", "127.0.0.1:notaport");
        session.pushToServer();
        QTRY_VERIFY(!session.remote()->busy());
        QVERIFY(!session.remote()->ok());
        QCOMPARE(get(network_, site()), QStringLiteral("two"));
    }

    // What ProxFlow adapts but does not run (error routes here) imports intact and runs on real Caddy.
    void a_caddyfile_proxflow_does_not_run_is_pushed_to_a_real_caddy() {
        const QString caddy = QStandardPaths::findExecutable(QStringLiteral("caddy"));
        QVERIFY2(!caddy.isEmpty(), "Debian's caddy is a peer of this test (./dev.sh installs it)");
        const int caddyAdmin = ConsoleSession::freePort();
        const int caddySite = portOutsideEphemeralRange();
        QTemporaryDir home;
        QFile start(home.filePath("start.json"));
        QVERIFY(start.open(QIODevice::WriteOnly));
        start.write(QStringLiteral(R"({"admin": {"listen": "127.0.0.1:%1"}})").arg(caddyAdmin).toUtf8());
        start.close();
        QProcess caddyProcess;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("HOME", home.path());
        env.insert("XDG_DATA_HOME", home.filePath("data"));
        env.insert("XDG_CONFIG_HOME", home.filePath("config"));
        caddyProcess.setProcessEnvironment(env);
        caddyProcess.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        caddyProcess.start(caddy, {"run", "--config", start.fileName()});
        QVERIFY(caddyProcess.waitForStarted());
        auto stopCaddy = qScopeGuard([&] { // only the process this test started, by its PID
            caddyProcess.terminate();
            if (!caddyProcess.waitForFinished(5000)) caddyProcess.kill();
            caddyProcess.waitForFinished(3000);
        });
        QVERIFY(waitForPort(caddyAdmin));

        QFile caddyfile(home.filePath("Caddyfile"));
        QVERIFY(caddyfile.open(QIODevice::WriteOnly));
        caddyfile.write(QStringLiteral("{\n\tadmin 127.0.0.1:%1\n}\n:%2 {\n\terror /missing* \"gone\" 404\n"
                                       "\thandle_errors {\n\t\trespond \"caddy handled {err.status_code}\"\n\t}\n}\n")
                            .arg(caddyAdmin)
                            .arg(caddySite)
                            .toUtf8());
        caddyfile.close();
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        QVERIFY2(session.importFile(QUrl::fromLocalFile(caddyfile.fileName())), qPrintable(session.importError()));
        session.remote()->setAddress(QStringLiteral("127.0.0.1:%1").arg(caddyAdmin));
        session.pushToServer();
        QTRY_VERIFY_WITH_TIMEOUT(!session.remote()->busy(), 10000);
        QVERIFY2(session.remote()->ok(), qPrintable(session.remote()->status()));
        QVERIFY(waitForPort(caddySite));
        const QString running = get(network_, QStringLiteral("http://127.0.0.1:%1/config/").arg(caddyAdmin));
        QVERIFY2(nlohmann::json::parse(running.toStdString(), nullptr, false) == session.document()->root(), qPrintable(running));
        QNetworkReply* reply = network_.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/missing").arg(caddySite))));
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(5000));
        reply->deleteLater();
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 404);
        QCOMPARE(QString::fromUtf8(reply->readAll()), QStringLiteral("caddy handled 404"));
    }

    void watching_polls_metrics_into_request_totals() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        RemoteAdmin* remote = session.remote();
        QVERIFY(remote->watchIntervalMs() >= 1000 && remote->watchIntervalMs() <= 10000); // every few seconds
        remote->setAddress(admin_);
        remote->setWatchIntervalMs(300);
        remote->setWatching(true);
        QTRY_VERIFY(remote->haveTotals());
        const double before = remote->requestsTotal();
        for (int i = 0; i < 7; ++i) QCOMPARE(get(network_, site()), QStringLiteral("two"));
        QTRY_VERIFY_WITH_TIMEOUT(remote->requestsTotal() >= before + 7, 5000);
        QCOMPARE(remote->errorsTotal(), 0.0);

        remote->setWatching(false);
        QTest::qWait(400); // let a poll already on the wire land
        const QString at = remote->metricsTime();
        const double seen = remote->requestsTotal();
        for (int i = 0; i < 3; ++i) get(network_, site());
        QTest::qWait(900);
        QCOMPARE(remote->requestsTotal(), seen); // not watching: no polls
        QCOMPARE(remote->metricsTime(), at);
    }

    // The Policies view's live rates from a remote server: its admin API's GET /rate_limit/zones,
    // read every 2 s without blocking; a server that cannot be read says so.
    void policy_rates_come_from_the_remote_admin_api() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        session.remote()->setAddress(admin_);
        session.pullFromServer();
        QTRY_VERIFY_WITH_TIMEOUT(session.document()->serverNames().contains("remote"), 5000);
        const QString policy = session.policies()->attach("apps.http.servers.remote.routes[0]");
        session.document()->setText(policy + ".zone", "remote-zone");
        session.document()->setText(policy + ".rate", "1");
        session.document()->setText(policy + ".burst", "1");
        QSignalSpy pushed(session.remote(), &RemoteAdmin::pushed);
        session.pushToServer();
        QVERIFY(pushed.wait(5000));
        PolicyListModel* policies = session.policies();
        policies->setFromRemote(true);
        QTRY_VERIFY_WITH_TIMEOUT(policies->value(0, "live").toBool(), 10000);
        for (int i = 0; i < 6; ++i) get(network_, site());
        QTRY_VERIFY_WITH_TIMEOUT(policies->value(0, "rejectedPerSecond").toDouble() > 0, 10000);
        QCOMPARE(policies->liveProblem(), QString());

        session.remote()->setAddress(QStringLiteral("127.0.0.1:%1").arg(ConsoleSession::freePort()));
        QTRY_VERIFY_WITH_TIMEOUT(!policies->liveProblem().isEmpty(), 10000);
        QCOMPARE(policies->value(0, "live").toBool(), false);
    }

    // The Upstreams view's live state from a remote server: its GET /reverse_proxy/upstreams, whose
    // circuit_state and failure_rate say that an upstream refusing connections has been cut off.
    void upstream_circuit_state_comes_from_the_remote_admin_api() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        session.remote()->setAddress(admin_);
        session.pullFromServer();
        QTRY_VERIFY_WITH_TIMEOUT(session.document()->serverNames().contains("remote"), 5000);
        const QString dead = QStringLiteral("127.0.0.1:%1").arg(ConsoleSession::freePort()); // nothing listens
        const QString handler = "apps.http.servers.remote.routes[0].handle[0]";
        session.document()->setValue(
            "apps.http.servers.remote.routes",
            QVariantList{QVariantMap{{"handle", QVariantList{QVariantMap{
                                                    {"handler", "reverse_proxy"},
                                                    {"upstreams", QVariantList{QVariantMap{{"dial", dead}}}},
                                                    {"circuit_breaker", QVariantMap{{"type", "intelligent"}, {"min_requests", 3},
                                                                                    {"recovery_timeout", "5m"}}}}}}}});
        QSignalSpy pushed(session.remote(), &RemoteAdmin::pushed);
        session.pushToServer();
        QVERIFY(pushed.wait(5000));
        QVERIFY2(session.remote()->ok(), qPrintable(session.remote()->status()));
        for (int i = 0; i < 4; ++i) get(network_, site()); // 502s, then 503 once the circuit is open

        UpstreamListModel upstreams;
        upstreams.setDocument(session.document());
        upstreams.setHandlerPath(handler);
        upstreams.setTraffic(session.traffic());
        upstreams.setRemote(session.remote());
        upstreams.setFromRemote(true);
        QTRY_COMPARE_WITH_TIMEOUT(upstreams.value(0, "circuitState").toString(), QStringLiteral("open"), 10000);
        QVERIFY(upstreams.anyCircuit());
        QCOMPARE(upstreams.value(0, "failureRate").toDouble(), 1.0);
        QVERIFY(upstreams.value(0, "windowRequests").toLongLong() >= 3);
        QVERIFY(!upstreams.value(0, "hasTotals").toBool());
        QCOMPARE(upstreams.liveProblem(), QString());

        session.remote()->setAddress(QStringLiteral("127.0.0.1:%1").arg(ConsoleSession::freePort()));
        QTRY_VERIFY_WITH_TIMEOUT(!upstreams.liveProblem().isEmpty(), 10000);
        QCOMPARE(upstreams.value(0, "circuitState").toString(), QString());
    }
};

QTEST_MAIN(RemoteServersTest)
#include "remote_servers_test.moc"
