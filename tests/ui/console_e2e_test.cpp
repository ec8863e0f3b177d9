// The console driven as a user drives it, offscreen: add a site on a free port, two upstreams that
// are real python3 http.server backends, Apply, curl through the site, see the counts rise
// in the models behind the views, export the config and have Debian's caddy accept it. And: the
// window keeps rendering while a remote admin API takes 2 s to answer.
#include "console_session.hpp"
#include "peer_program.hpp"
#include "upstream_list_model.hpp"

#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(ProxFlow_UiPlugin)

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

} // namespace

class ConsoleE2eTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::vector<std::unique_ptr<QProcess>> processes_;
    std::unique_ptr<ConsoleSession> session_;
    std::unique_ptr<QQmlApplicationEngine> qml_;
    QQuickWindow* window_ = nullptr;

    QProcess* startPython(const QStringList& args) {
        auto process = std::make_unique<QProcess>();
        process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process->start(QStringLiteral("python3"), args);
        processes_.push_back(std::move(process));
        return processes_.back().get();
    }

    int startBackend(const QString& name) {
        const QString root = dir_.filePath(name);
        QDir().mkpath(root);
        QFile index(root + "/index.html");
        if (!index.open(QIODevice::WriteOnly)) return 0;
        index.write(name.toUtf8());
        index.close();
        const int port = ConsoleSession::freePort();
        startPython({"-m", "http.server", QString::number(port), "--bind", "127.0.0.1", "--directory", root});
        return waitForPort(port) ? port : 0;
    }

    // Walks the visual tree: items made by Loader and ListView are not QObject children.
    static QQuickItem* findItem(QQuickItem* at, const QString& name) {
        if (at->objectName() == name && at->isVisible()) return at;
        for (QQuickItem* child : at->childItems())
            if (QQuickItem* found = findItem(child, name)) return found;
        return nullptr;
    }
    template <typename T = QQuickItem>
    T* find(const QString& name) {
        return qobject_cast<T*>(findItem(window_->contentItem(), name));
    }

    void click(const QString& name) {
        QQuickItem* item = find(name);
        QVERIFY2(item, qPrintable("no item " + name));
        QTRY_VERIFY(item->isVisible() && item->isEnabled());
        const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        QTest::mouseClick(window_, Qt::LeftButton, {}, centre.toPoint());
    }

    void type(const QString& name, const QString& text) {
        QQuickItem* item = find(name);
        QVERIFY2(item, qPrintable("no item " + name));
        item->forceActiveFocus();
        QTest::keyClick(window_, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(window_, Qt::Key_Backspace);
        for (const QChar c : text) QTest::keyClick(window_, c.toLatin1());
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        session_ = std::make_unique<ConsoleSession>(ConsoleSession::Options{.engineThreads = 2, .pollMs = 200, .persist = false, .applyOnStart = false});
        qml_ = std::make_unique<QQmlApplicationEngine>();
        qml_->addImportPath(QStringLiteral("qrc:/qt/qml"));
        qml_->setInitialProperties({{"session", QVariant::fromValue(session_.get())}});
        qml_->load(QUrl(QStringLiteral("qrc:/qt/qml/ProxFlow/Ui/Main.qml")));
        QVERIFY(!qml_->rootObjects().isEmpty());
        window_ = qobject_cast<QQuickWindow*>(qml_->rootObjects().constFirst());
        QVERIFY(QTest::qWaitForWindowExposed(window_));
    }

    void cleanupTestCase() {
        qml_.reset();
        session_.reset();
        for (auto& p : processes_) {
            p->kill();
            p->waitForFinished(3000);
        }
    }

    void a_user_proxies_a_new_site_to_two_python_backends() {
        const int a = startBackend("alpha"), b = startBackend("beta");
        QVERIFY(a && b);
        const int port = ConsoleSession::freePort();

        // First start: the welcome view adds the site.
        type("welcomeListen", QStringLiteral("127.0.0.1:%1").arg(port));
        click("addFirstSite");
        QTRY_COMPARE(session_->document()->serverNames(), QStringList{"site0"});

        click("nav_upstreams");
        for (int backend : {a, b}) {
            QTRY_VERIFY(find("upstreamDial"));
            type("upstreamDial", QStringLiteral("127.0.0.1:%1").arg(backend));
            click("addUpstream");
        }
        auto* list = find<QQuickItem>("upstreamList");
        QVERIFY(list);
        auto* upstreams = qobject_cast<UpstreamListModel*>(list->property("model").value<QObject*>());
        QVERIFY(upstreams);
        QTRY_COMPARE(upstreams->rowCount(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(session_->document()->errorMessage(), QString(), 5000);

        QSignalSpy applied(session_.get(), &ConsoleSession::appliedConfig);
        click("applyButton");
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() == 1, 5000); // the click's own event processing may already deliver it
        QCOMPARE(applied.first().at(0).toBool(), true);
        QTRY_COMPARE(session_->engine()->state(), QStringLiteral("running"));

        // A real client, as a user would check it: curl through the site (the engine serves on its
        // own threads, so waiting here on the GUI thread holds nothing up).
        const QString curl = QStandardPaths::findExecutable("curl");
        QVERIFY2(!curl.isEmpty(), "curl is installed by dev.sh");
        QStringList bodies;
        for (int i = 0; i < 10; ++i) {
            QProcess client;
            client.start(curl, {"-sS", "--fail", "--max-time", "5", QStringLiteral("http://127.0.0.1:%1/").arg(port)});
            QVERIFY(client.waitForFinished(10000));
            QCOMPARE(client.exitCode(), 0);
            bodies << QString::fromUtf8(client.readAllStandardOutput());
        }
        QVERIFY(bodies.contains("alpha") && bodies.contains("beta"));

        // The counts behind the charts and the upstream rows rise.
        QTRY_VERIFY_WITH_TIMEOUT(session_->traffic()->totalRequests() >= 10, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(upstreams->value(0, "requests").toULongLong() + upstreams->value(1, "requests").toULongLong() >= 10, 5000);
        QVERIFY(upstreams->value(0, "known").toBool());
        QVERIFY(!session_->traffic()->points("requests").isEmpty());

        // The test-traffic panel drives the same site.
        click("nav_traffic");
        QTRY_VERIFY(find("trafficTotal"));
        find("trafficTotal")->setProperty("value", 40);
        click("trafficStart");
        QTRY_COMPARE_WITH_TIMEOUT(session_->testTraffic()->completed(), 40, 10000);
        QCOMPARE(session_->testTraffic()->failed(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(session_->traffic()->totalRequests() >= 50, 5000);

        // Export, and Debian's caddy accepts what we wrote.
        const QString exported = dir_.filePath("Caddyfile");
        QVERIFY(session_->exportFile(QUrl::fromLocalFile(exported)));
        PROXFLOW_REQUIRE_PEER(caddy, "caddy", "Debian's caddy package; ./dev.sh installs it");
        QProcess check;
        check.start(caddy, {"adapt", "--config", exported, "--adapter", "caddyfile"});
        QVERIFY(check.waitForFinished(30000));
        QVERIFY2(check.exitCode() == 0, check.readAllStandardError().constData());
    }

    void the_window_keeps_rendering_while_a_remote_admin_api_is_slow() {
        const int port = ConsoleSession::freePort();
        const QString script = QStringLiteral(R"(
import http.server, sys, time
class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(2)
        body = b'{"apps":{"http":{"servers":{"remote":{"listen":[":1"],"routes":[]}}}}}'
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Slow).serve_forever()
)");
        startPython({"-c", script, QString::number(port)});
        QVERIFY(waitForPort(port));

        click("nav_servers");
        QTRY_VERIFY(find("serverAddress"));
        const QString address = QStringLiteral("127.0.0.1:%1").arg(port);
        type("serverAddress", address);
        click("addServer");
        QTRY_COMPARE(session_->remote()->address(), address); // the added server is the chosen one
        QTRY_VERIFY(find("pullButton"));
        // Something animates while we wait: the BusyIndicator beside the buttons.
        int frames = 0;
        auto counter = connect(window_, &QQuickWindow::frameSwapped, this, [&frames] { ++frames; });
        QElapsedTimer clock;
        clock.start();
        click("pullButton");
        QTRY_VERIFY_WITH_TIMEOUT(session_->document()->serverNames().contains("remote"), 10000);
        disconnect(counter);
        QVERIFY(clock.elapsed() >= 1900);
        // At 60 Hz two seconds are ~120 frames; the offscreen backend renders on demand, so ask for 10.
        QVERIFY2(frames >= 10, qPrintable(QString::number(frames) + " frames in " + QString::number(clock.elapsed()) + " ms"));
        QVERIFY(session_->history()->value(0, "note").toString().startsWith("pulled from"));
    }
};

QTEST_MAIN(ConsoleE2eTest)
#include "console_e2e_test.moc"
