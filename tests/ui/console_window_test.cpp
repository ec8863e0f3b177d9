// The main window as a user meets it, offscreen: the world map beside the country table, the
// keyboard shortcuts, Apply with a note, and the window coming back the way it was left.
#include "caddyfile_highlighter.hpp"
#include "console_session.hpp"
#include "modules/reverse_proxy/lb_policies.hpp"
#include "world_map.hpp"

#include <QClipboard>
#include <QJSValue>
#include <QQmlApplicationEngine>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(ProxFlow_UiPlugin)

using namespace proxflow::ui;

namespace {

QQuickItem* findItem(QQuickItem* at, const QString& name) {
    if (at->objectName() == name && at->isVisible()) return at;
    for (QQuickItem* child : at->childItems())
        if (QQuickItem* found = findItem(child, name)) return found;
    return nullptr;
}

// Main.qml over a session, the way main() starts it.
struct Window {
    QQmlApplicationEngine qml;
    QQuickWindow* window = nullptr;

    explicit Window(ConsoleSession* session) {
        qml.addImportPath(QStringLiteral("qrc:/qt/qml"));
        qml.setInitialProperties({{"session", QVariant::fromValue(session)}});
        qml.load(QUrl(QStringLiteral("qrc:/qt/qml/ProxFlow/Ui/Main.qml")));
        if (!qml.rootObjects().isEmpty()) window = qobject_cast<QQuickWindow*>(qml.rootObjects().constFirst());
    }
    QQuickItem* find(const QString& name) const { return findItem(window->contentItem(), name); }
    void click(QQuickItem* item) const {
        QTest::mouseClick(window, Qt::LeftButton, {}, item->mapToScene(QPointF(item->width() / 2, item->height() / 2)).toPoint());
    }
};

} // namespace

class ConsoleWindowTest : public QObject {
    Q_OBJECT
    QTemporaryDir config_;

private slots:
    void initTestCase() {
        // Every file the console saves lands in this folder, never in the user's own config.
        QVERIFY(config_.isValid());
        qputenv("XDG_CONFIG_HOME", config_.path().toUtf8());
        QCoreApplication::setApplicationName(QStringLiteral("proxflow-console-test"));
        QVERIFY(ConfigDocument::defaultFile().startsWith(config_.path()));
    }

    void the_world_map_colours_countries_by_their_requests() {
        CountryModel countries;
        proxflow::metrics::Snapshot snapshot;
        snapshot.countries = {{.code = "DE", .continent = "EU", .requests = 900, .mean_latency_ms = 1},
                              {.code = "BR", .continent = "SA", .requests = 3, .mean_latency_ms = 1},
                              {.code = "local", .continent = "", .requests = 50, .mean_latency_ms = 1}};
        countries.update(snapshot);

        QQuickWindow window;
        window.resize(720, 282);
        WorldMap map(window.contentItem());
        map.setSize(QSizeF(720, 282)); // 2 px per degree: x = 2 (lon + 180), y = 2 (84 - lat)
        map.setModel(&countries);
        QVERIFY2(map.shapeCount() > 150, qPrintable(QString::number(map.shapeCount())));
        QCOMPARE(map.maxRequests(), 900.0);

        QCOMPARE(map.colorFor("FR"), map.property("emptyColor").value<QColor>());
        QVERIFY(map.colorFor("DE") != map.colorFor("FR"));
        QVERIFY(map.colorFor("BR") != map.colorFor("FR"));
        QVERIFY(map.colorFor("BR") != map.colorFor("DE")); // fewer requests, lighter

        // The shapes carry the engine's alpha-2 codes (world-atlas ids are ISO numeric).
        const auto at = [](double lon, double lat) { return QPointF(2 * (lon + 180), 2 * (84 - lat)); };
        QCOMPARE(map.countryAt(at(10, 51)).value("code").toString(), QStringLiteral("DE"));
        QCOMPARE(map.countryAt(at(2.5, 46.5)).value("code").toString(), QStringLiteral("FR"));
        QCOMPARE(map.countryAt(at(-51, -10)).value("code").toString(), QStringLiteral("BR"));
        QVERIFY(map.countryAt(at(-30, 30)).isEmpty()); // the Atlantic

        // And it is drawn that way.
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QImage image = window.grabWindow();
        const auto pixel = [&](double lon, double lat) { return QColor(image.pixel(at(lon, lat).toPoint())); };
        QCOMPARE(pixel(10, 51), map.colorFor("DE"));
        QCOMPARE(pixel(2.5, 46.5), map.colorFor("FR"));
        QVERIFY(pixel(10, 51) != pixel(2.5, 46.5));
    }

    void the_dashboard_shows_the_world_map_beside_the_country_table() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        Window w(&session);
        QVERIFY(w.window);
        session.ui()->setCurrentView("dashboard");
        QTRY_VERIFY(w.find("worldMap"));
        auto* map = qobject_cast<WorldMap*>(w.find("worldMap"));
        QVERIFY(map);
        QVERIFY(map->width() > 300 && map->height() > 100);
        QCOMPARE(map->model(), session.countries());
    }

    // The policy list is the engine's (the reverse_proxy entry's choices), and picking one writes it.
    void the_upstreams_view_offers_the_engines_selection_policies() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        session.document()->addSite(":8080");
        Window w(&session);
        QVERIFY(w.window);
        session.ui()->setCurrentView("upstreams");
        QTRY_VERIFY(w.find("policyBox"));
        QQuickItem* box = w.find("policyBox");
        QStringList engine;
        for (const auto& name : proxflow::selection_policy_names()) engine << QString::fromStdString(name);
        QVariant model = box->property("model");
        if (model.metaType() == QMetaType::fromType<QJSValue>()) model = model.value<QJSValue>().toVariant();
        QCOMPARE(model.toStringList(), engine);
        QCOMPARE(box->property("count").toInt(), static_cast<int>(engine.size()));
        QCOMPARE(box->property("currentText").toString(), QStringLiteral("random")); // unset: Caddy's default
        const int leastConn = static_cast<int>(engine.indexOf("least_conn"));
        QMetaObject::invokeMethod(box, "activated", Q_ARG(int, leastConn));
        QCOMPARE(session.document()->textAt("apps.http.servers.site0.routes[0].handle[0].load_balancing.selection_policy.policy"),
                 QStringLiteral("least_conn"));
        QTRY_COMPARE(box->property("currentText").toString(), QStringLiteral("least_conn"));
    }

    // The Policies view lists the config's rate limits; picking one opens its editor, where every
    // edit is checked by the engine's own rules (RateLimitConfig::from_json, on the engine thread)
    // and the error lands under the field it names.
    void the_policies_view_opens_an_editor_that_validates_as_you_type() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        ConfigDocument* doc = session.document();
        doc->addSite(":" + QString::number(ConsoleSession::freePort()));
        doc->addUpstream("apps.http.servers.site0.routes[0].handle[0]", "127.0.0.1:9001");
        const QString first = session.policies()->attach("apps.http.servers.site0.routes[0]");
        const QString second = session.policies()->attach("apps.http.servers.site0");
        QCOMPARE(second, QStringLiteral("apps.http.servers.site0.routes[0].handle[0]")); // the site's own route, first
        const QString policy = "apps.http.servers.site0.routes[1].handle[0]"; // the route's, moved down by one
        Window w(&session);
        QVERIFY(w.window);
        QVERIFY(QTest::qWaitForWindowExposed(w.window));
        QTRY_VERIFY(w.find("nav_policies"));
        w.click(w.find("nav_policies"));
        QTRY_COMPARE(session.ui()->currentView(), QStringLiteral("policies"));
        QTRY_VERIFY(w.find("policyList"));
        QCOMPARE(session.policies()->rowCount(), 2);
        QTRY_VERIFY(w.find("policy:rate_limit1"));
        w.click(w.find("policy:rate_limit1"));
        QTRY_VERIFY(w.find("field:" + policy + ".rate"));
        QQuickItem* rate = w.find("field:" + policy + ".rate");
        QCOMPARE(rate->property("text").toString(), QStringLiteral("10"));
        QTRY_COMPARE_WITH_TIMEOUT(doc->errorMessage(), QString(), 5000);

        w.click(rate);
        QTRY_VERIFY(rate->hasActiveFocus());
        QTest::keyClick(w.window, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(w.window, Qt::Key_0);
        QCOMPARE(doc->textAt(policy + ".rate"), QStringLiteral("0"));
        QTRY_VERIFY_WITH_TIMEOUT(w.find("error:" + policy + ".rate"), 5000);
        const QString error = w.find("error:" + policy + ".rate")->property("text").toString();
        QVERIFY2(error.contains("above 0"), qPrintable(error));
        QCOMPARE(doc->errorPath(), policy + ".rate");

        QTest::keyClick(w.window, Qt::Key_Backspace);
        for (const char c : std::string_view("600/m")) QTest::keyClick(w.window, c);
        QCOMPARE(doc->textAt(policy + ".rate"), QStringLiteral("600/m"));
        QTRY_COMPARE_WITH_TIMEOUT(doc->errorMessage(), QString(), 5000);
        QVERIFY(!w.find("error:" + policy + ".rate"));
        QTRY_COMPARE(session.policies()->value(1, "rate").toString(), QStringLiteral("600/m"));

        // A field the engine refuses for this algorithm: a window on a token bucket.
        doc->setText(policy + ".window", "1m");
        QTRY_COMPARE_WITH_TIMEOUT(doc->errorPath(), policy + ".window", 5000);
        QVERIFY(doc->errorMessage().contains("sliding_window"));
        doc->undo();
        QTRY_COMPARE_WITH_TIMEOUT(doc->errorMessage(), QString(), 5000);
    }

    // The Sites view's action attaches a rate limit in front of the chosen route, and the route
    // editor opens on it.
    void the_sites_view_attaches_a_rate_limit_to_the_chosen_route() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        ConfigDocument* doc = session.document();
        doc->addSite(":8080");
        Window w(&session);
        QVERIFY(w.window);
        QVERIFY(QTest::qWaitForWindowExposed(w.window));
        session.ui()->setCurrentView("sites");
        QTRY_VERIFY(w.find("attachPolicy"));
        w.click(w.find("attachPolicy"));
        QTRY_VERIFY(w.find("attachToRoute"));
        w.click(w.find("attachToRoute"));
        const QString route = "apps.http.servers.site0.routes[0]";
        QTRY_COMPARE(doc->textAt(route + ".handle[0].handler"), QStringLiteral("rate_limit"));
        QCOMPARE(doc->textAt(route + ".handle[1].handler"), QStringLiteral("reverse_proxy"));
        QTRY_VERIFY(w.find("field:" + route + ".handle[0].rate"));
        QVERIFY(w.find("routePolicies:0"));
        doc->undo();
        QCOMPARE(doc->count(route + ".handle"), 1);
    }

    void shortcuts_save_undo_redo_and_find() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        Window w(&session);
        QVERIFY(w.window);
        w.window->requestActivate();
        QVERIFY(QTest::qWaitForWindowActive(w.window));
        ConfigDocument* doc = session.document();
        doc->addSite("127.0.0.1:8081");
        const QString listen = "apps.http.servers.site0.listen";
        QVERIFY(doc->dirty());
        w.window->contentItem()->forceActiveFocus(); // no text field: the window's shortcuts apply

        QFile::remove(ConfigDocument::defaultFile());
        QTest::keyClick(w.window, Qt::Key_S, Qt::ControlModifier);
        QTRY_VERIFY(!doc->dirty());
        QVERIFY(QFile::exists(ConfigDocument::defaultFile()));

        doc->setText(listen, "127.0.0.1:9999");
        QTest::keyClick(w.window, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(doc->textAt(listen), QStringLiteral("127.0.0.1:8081"));
        QTest::keyClick(w.window, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(doc->textAt(listen), QStringLiteral("127.0.0.1:9999"));
        QTest::keyClick(w.window, Qt::Key_Z, Qt::ControlModifier);
        QTest::keyClick(w.window, Qt::Key_Y, Qt::ControlModifier);
        QCOMPARE(doc->textAt(listen), QStringLiteral("127.0.0.1:9999"));

        QTRY_VERIFY(w.find("siteSearch"));
        QVERIFY(!w.find("siteSearch")->hasActiveFocus());
        QTest::keyClick(w.window, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(w.find("siteSearch")->hasActiveFocus());
    }

    void apply_takes_the_note_into_history() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        Window w(&session);
        QVERIFY(w.window);
        QVERIFY(QTest::qWaitForWindowExposed(w.window));
        ConfigDocument* doc = session.document();
        QVERIFY(doc->loadJsonText(QStringLiteral(R"({"admin": {"disabled": true}, "apps": {"http": {"servers": {"s": {
            "listen": ["127.0.0.1:%1"], "routes": [{"handle": [{"handler": "static_response", "body": "hi"}]}]}}}}})")
                                      .arg(ConsoleSession::freePort())));
        QQuickItem* note = w.find("applyNote");
        QVERIFY(note);
        w.click(note);
        QTRY_VERIFY(note->hasActiveFocus());
        for (const char c : std::string_view("canary for /api")) QTest::keyClick(w.window, c);
        QSignalSpy applied(&session, &ConsoleSession::appliedConfig);
        QQuickItem* apply = w.find("applyButton");
        QTRY_VERIFY(apply->isEnabled());
        w.click(apply);
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() == 1, 5000); // the click's own event processing may already deliver it
        QCOMPARE(applied.first().at(0).toBool(), true);
        QCOMPARE(session.history()->value(0, "note").toString(), QStringLiteral("canary for /api"));
        QCOMPARE(note->property("text").toString(), QString()); // ready for the next one

        applied.clear();
        w.click(w.find("applyButton"));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() == 1, 5000);
        QCOMPARE(session.history()->value(0, "note").toString(), QStringLiteral("applied")); // no note given
    }

    void caddyfile_import_shows_errors_at_their_line_and_keeps_the_config() {
        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = false, .applyOnStart = false});
        const int port = ConsoleSession::freePort();
        QVERIFY(session.document()->loadJsonText(QStringLiteral(R"({"apps": {"http": {"servers": {"s": {"listen": ["127.0.0.1:%1"]}}}}})").arg(port)));
        const QString before = session.configText();
        QTemporaryDir dir;
        const auto write = [&](const QString& name, const QByteArray& text) {
            QFile f(dir.filePath(name));
            if (!f.open(QIODevice::WriteOnly)) return QUrl();
            f.write(text);
            return QUrl::fromLocalFile(f.fileName());
        };

        // A misspelled directive on line 3: the error names it and its line; nothing is replaced.
        const QUrl bad = write("Broken.caddyfile", "http://127.0.0.1:9 {\n\tbind 127.0.0.1\n\treverse_prxy 127.0.0.1:1\n}\n");
        QVERIFY(!session.importFile(bad));
        QCOMPARE(session.importErrorLine(), 3);
        QVERIFY2(session.importError().contains("reverse_prxy") && session.importError().contains("reverse_proxy"),
                 qPrintable(session.importError()));
        QCOMPARE(session.configText(), before);

        // A good one replaces the config; the preview shows it, export writes it, copy puts it on the clipboard.
        const QUrl good = write("Good.caddyfile", QStringLiteral("http://127.0.0.1:%1 {\n\tbind 127.0.0.1\n\trespond \"imported\"\n}\n").arg(port).toUtf8());
        QVERIFY(session.importFile(good));
        QCOMPARE(session.importError(), QString());
        QVERIFY2(session.configText().contains("respond imported"), qPrintable(session.configText()));
        const QString exported = dir.filePath("Exported.caddyfile");
        QVERIFY(session.exportFile(QUrl::fromLocalFile(exported)));
        QFile out(exported);
        QVERIFY(out.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(out.readAll()), session.configText());
        session.copyConfigText();
        QCOMPARE(QGuiApplication::clipboard()->text(), session.configText());
    }

    void the_caddyfile_highlighter_colours_directives_comments_and_placeholders_apart() {
        QTextDocument doc(QStringLiteral("reverse_proxy {upstream_hostport} # the backends"));
        CaddyfileHighlighter highlighter;
        highlighter.setDocument(&doc);
        highlighter.rehighlight();
        const auto formats = doc.firstBlock().layout()->formats();
        const auto colour_at = [&](int position) {
            for (const auto& range : formats)
                if (position >= range.start && position < range.start + range.length) return range.format.foreground().color();
            return QColor();
        };
        const QColor directive = colour_at(0), placeholder = colour_at(15), comment = colour_at(36);
        QVERIFY(directive.isValid() && placeholder.isValid() && comment.isValid());
        QVERIFY(directive != placeholder && placeholder != comment && directive != comment);
    }

    void the_window_comes_back_as_it_was_left() {
        for (const QString& file : {ConfigDocument::defaultFile(), UiState::defaultFile(), HistoryModel::defaultFile()}) QFile::remove(file);
        {
            ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = true, .applyOnStart = false});
            Window w(&session);
            QVERIFY(w.window);
            session.document()->addSite("127.0.0.1:8081");
            session.document()->addSite("127.0.0.1:8082");
            QTRY_VERIFY(w.find("nav_history"));
            w.click(w.find("nav_history"));
            QTRY_COMPARE(session.ui()->currentView(), QStringLiteral("history"));
            w.click(w.find("themeButton"));
            QTRY_VERIFY(session.ui()->dark());
            session.ui()->setCurrentSite("site1");
            QVERIFY(session.save());
        }
        QVERIFY(QFile::exists(UiState::defaultFile()));

        ConsoleSession session({.engineThreads = 1, .pollMs = 200, .persist = true, .applyOnStart = false});
        QCOMPARE(session.ui()->currentView(), QStringLiteral("history"));
        QCOMPARE(session.ui()->currentSite(), QStringLiteral("site1"));
        QVERIFY(session.ui()->dark());
        Window w(&session);
        QVERIFY(w.window);
        QCOMPARE(w.window->property("dark").toBool(), true);
        QTRY_VERIFY(w.find("nav_history"));
        QVERIFY(w.find("historyList"));
        QCOMPARE(session.document()->serverNames(), QStringList({"site0", "site1"}));

        // A site that is gone falls back to the first one.
        session.document()->remove("apps.http.servers.site1");
        QCOMPARE(session.ui()->currentSite(), QStringLiteral("site0"));
    }
};

QTEST_MAIN(ConsoleWindowTest)
#include "console_window_test.moc"
