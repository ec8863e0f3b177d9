// EngineBridge and ConsoleSession against the real engine: validation errors land on the field
// they name, Apply swaps the running config, a rejected config leaves the running one serving.
#include "console_session.hpp"
#include "upstream_list_model.hpp"

#include <QNetworkAccessManager>
#include <QNetworkReply>
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

// GET without blocking the event loop; "" on a connection error.
QString get(QNetworkAccessManager& network, const QString& url) {
    QNetworkReply* reply = network.get(QNetworkRequest(QUrl(url)));
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(5000)) return QStringLiteral("<timeout>");
    reply->deleteLater();
    return reply->error() == QNetworkReply::NoError ? QString::fromUtf8(reply->readAll()) : QString();
}

} // namespace

class EngineBridgeTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void an_engine_error_arrives_as_a_field_error() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        ConfigDocument* doc = session.document();
        doc->addSite(":" + QString::number(ConsoleSession::freePort()));
        const QString handler = "apps.http.servers.site0.routes[0].handle[0]";
        // No upstream yet: the engine names the upstreams list.
        QTRY_COMPARE_WITH_TIMEOUT(doc->errorPath(), handler + ".upstreams", 5000);
        QVERIFY(!doc->errorFor(handler + ".upstreams").isEmpty());
        const QString dial = doc->addUpstream(handler, "127.0.0.1:9001") + ".dial";
        QTRY_COMPARE_WITH_TIMEOUT(doc->errorPath(), QString(), 5000);
        doc->setText(dial, "127.0.0.1:notaport");
        QTRY_VERIFY_WITH_TIMEOUT(!doc->errorFor(dial).isEmpty(), 5000);
        QCOMPARE(doc->errorPath(), dial);
        QVERIFY(doc->errorFor(handler + ".upstreams[0]").size() > 0); // the row shows it too
        QVERIFY(doc->errorFor(handler + ".upstreams[1]").isEmpty());
        doc->undo();
        QTRY_COMPARE_WITH_TIMEOUT(doc->errorMessage(), QString(), 5000);
    }

    void apply_swaps_the_running_config_and_a_rejected_one_changes_nothing() {
        ConsoleSession session({.engineThreads = 2, .pollMs = 200, .persist = false, .applyOnStart = false});
        QNetworkAccessManager network;
        const int port = ConsoleSession::freePort();
        const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(port);
        QSignalSpy applied(&session, &ConsoleSession::appliedConfig);

        session.document()->replace(staticSite(port, "first"));
        session.apply("first");
        QVERIFY(applied.wait(5000));
        QCOMPARE(applied.takeFirst().at(0).toBool(), true);
        QCOMPARE(session.engine()->state(), QStringLiteral("running"));
        QCOMPARE(get(network, url), QStringLiteral("first"));

        session.document()->replace(staticSite(port, "second"));
        session.apply("second");
        QVERIFY(applied.wait(5000));
        QCOMPARE(get(network, url), QStringLiteral("second"));
        QCOMPARE(session.history()->rowCount(), 2);

        // Rejected: an unknown handler. The field gets the error; the engine keeps serving "second".
        session.document()->setText("apps.http.servers.s.routes[0].handle[0].handler", "no_such_handler");
        session.apply("broken");
        QVERIFY(applied.wait(5000));
        QCOMPARE(applied.takeLast().at(0).toBool(), false);
        QVERIFY(session.document()->errorPath().startsWith("apps.http.servers.s.routes[0].handle[0]"));
        QVERIFY(session.engine()->lastError().contains("no_such_handler") || !session.engine()->lastError().isEmpty());
        QCOMPARE(get(network, url), QStringLiteral("second"));
        QCOMPARE(session.history()->rowCount(), 2);

        // Rollback to the first snapshot is an apply like any other.
        session.rollback(1);
        QVERIFY(applied.wait(5000));
        QCOMPARE(get(network, url), QStringLiteral("first"));
    }

    void snapshots_arrive_by_signal_and_count_requests() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 100, .persist = false, .applyOnStart = false});
        QNetworkAccessManager network;
        const int port = ConsoleSession::freePort();
        session.document()->replace(staticSite(port, "x"));
        QSignalSpy applied(&session, &ConsoleSession::appliedConfig);
        session.apply();
        QVERIFY(applied.wait(5000));
        for (int i = 0; i < 5; ++i) QCOMPARE(get(network, QStringLiteral("http://127.0.0.1:%1/").arg(port)), QStringLiteral("x"));
        QTRY_VERIFY_WITH_TIMEOUT(session.traffic()->totalRequests() >= 5, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(session.sites()->value(0, "requests").toULongLong(), 5ull, 5000);
    }

    // Passive checks with the engine's default max_fails (1, unset in the config): one failed request
    // takes the dead upstream out, and the list says so because the engine says so.
    void the_upstream_list_shows_health_as_the_running_engine_reports_it() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 100, .persist = false, .applyOnStart = false});
        QNetworkAccessManager network;
        const int port = ConsoleSession::freePort(), dead = ConsoleSession::freePort();
        const std::string deadDial = "127.0.0.1:" + std::to_string(dead);
        json config = staticSite(port, "x");
        config["apps"]["http"]["servers"]["s"]["routes"][0]["handle"][0] = {
            {"handler", "reverse_proxy"},
            {"upstreams", json::array({{{"dial", deadDial}}})},
            {"health_checks", {{"passive", {{"fail_duration", "30s"}}}}}};
        session.document()->replace(config);
        UpstreamListModel upstreams;
        upstreams.setDocument(session.document());
        upstreams.setHandlerPath("apps.http.servers.s.routes[0].handle[0]");
        upstreams.setEngine(session.engine());
        QSignalSpy applied(&session, &ConsoleSession::appliedConfig);
        session.apply();
        QVERIFY(applied.wait(5000));
        QTRY_VERIFY_WITH_TIMEOUT(upstreams.value(0, "known").toBool(), 5000);
        QCOMPARE(upstreams.value(0, "healthy").toBool(), true);

        get(network, QStringLiteral("http://127.0.0.1:%1/").arg(port)); // 502: nothing listens there
        QTRY_COMPARE_WITH_TIMEOUT(upstreams.value(0, "healthy").toBool(), false, 5000);
        QCOMPARE(upstreams.value(0, "fails").toInt(), 1);
        const auto status = session.engine()->upstreams();
        QCOMPARE(status.size(), std::size_t(1));
        QCOMPARE(status[0]["address"].get<std::string>(), deadDial);
        QCOMPARE(status[0]["healthy"].get<bool>(), false);
    }

    // Live policy rates from the running engine's GET /rate_limit/zones, read on its poll: a limit of
    // 2/s with a burst of 2 lets 2 of 10 quick requests through and rejects the rest.
    void policy_rates_come_from_the_engines_zone_status() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 100, .persist = false, .applyOnStart = false});
        QNetworkAccessManager network;
        const int port = ConsoleSession::freePort();
        session.document()->replace(staticSite(port, "x"));
        const QString policy = session.policies()->attach("apps.http.servers.s.routes[0]");
        session.document()->setText(policy + ".zone", "tiny");
        session.document()->setText(policy + ".rate", "2");
        session.document()->setText(policy + ".burst", "2");
        QSignalSpy applied(&session, &ConsoleSession::appliedConfig);
        session.apply();
        QVERIFY(applied.wait(5000));
        QVERIFY(applied.first().at(0).toBool());
        QTRY_VERIFY_WITH_TIMEOUT(session.engine()->moduleStatus("/rate_limit/zones").is_array() &&
                                     !session.engine()->moduleStatus("/rate_limit/zones").empty(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(session.policies()->value(0, "live").toBool(), 5000);
        int ok = 0;
        for (int i = 0; i < 10; ++i) ok += get(network, QStringLiteral("http://127.0.0.1:%1/").arg(port)) == QStringLiteral("x");
        QVERIFY2(ok >= 2 && ok <= 4, qPrintable(QString::number(ok))); // the burst, and what refills while they run
        QTRY_VERIFY_WITH_TIMEOUT(session.policies()->value(0, "rejectedPerSecond").toDouble() > 0, 5000);
        const json zones = session.engine()->moduleStatus("/rate_limit/zones");
        QCOMPARE(zones[0]["zone"].get<std::string>(), std::string("tiny"));
        QCOMPARE(zones[0]["allowed"].get<int>() + zones[0]["rejected"].get<int>(), 10);
        QTRY_VERIFY_WITH_TIMEOUT(session.traffic()->rejectedPerSecond() > 0, 5000); // the Dashboard's card
        // Rates fall back to nothing once no request comes (two reads with the same counts).
        QTRY_COMPARE_WITH_TIMEOUT(session.policies()->value(0, "rejectedPerSecond").toDouble(), 0.0, 5000);
    }

    void stale_validations_are_dropped() {
        EngineBridge bridge(1, 1000);
        QSignalSpy validated(&bridge, &EngineBridge::validated);
        json bad = staticSite(1, "x");
        bad["apps"]["http"]["servers"]["s"]["routes"][0]["handle"][0]["handler"] = "nope";
        bridge.validate(bad);
        const quint64 last = bridge.validate(staticSite(1, "x"));
        QVERIFY(validated.wait(5000));
        QTest::qWait(200);
        QCOMPARE(validated.count(), 1);
        QCOMPARE(validated.first().at(0).toULongLong(), last);
        QCOMPARE(validated.first().at(2).toString(), QString());
    }
};

QTEST_GUILESS_MAIN(EngineBridgeTest)
#include "engine_bridge_test.moc"
