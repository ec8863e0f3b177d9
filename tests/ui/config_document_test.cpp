// ConfigDocument: edits by JSON path, undo/redo, the unsaved marker, atomic save and restore.
#include "caddyfile_text.hpp"
#include "config_document.hpp"
#include "handler_catalogue.hpp"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace proxflow::ui;

class ConfigDocumentTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void paths_read_and_write_the_engines_notation() {
        const JsonPath p(QStringLiteral("apps.http.servers.srv0.routes[0].handle[1].upstreams[2].dial"));
        QCOMPARE(p.steps().size(), std::size_t(11));
        QCOMPARE(p.text(), QStringLiteral("apps.http.servers.srv0.routes[0].handle[1].upstreams[2].dial"));
        json root = json::object();
        p.make(root) = "127.0.0.1:1";
        QCOMPARE(root["apps"]["http"]["servers"]["srv0"]["routes"][0]["handle"][1]["upstreams"][2]["dial"], json("127.0.0.1:1"));
        QVERIFY(p.remove(root));
        QVERIFY(!p.find(root));
    }

    void an_error_covers_its_field_and_nothing_beside_it() {
        QVERIFY(pathCovers("a.routes[0]", "a.routes[0].handle[0]"));
        QVERIFY(pathCovers("a.routes[0].x", "a.routes[0].x"));
        QVERIFY(!pathCovers("a.routes[1]", "a.routes[10].x"));
        QVERIFY(!pathCovers("", "a"));
    }

    void typing_into_one_field_is_one_undo_step() {
        ConfigDocument doc;
        doc.addSite(":8080");
        doc.setText("apps.http.servers.site0.routes[0].handle[0].upstreams[0].dial", "1");
        doc.setText("apps.http.servers.site0.routes[0].handle[0].upstreams[0].dial", "12");
        doc.setText("apps.http.servers.site0.routes[0].handle[0].upstreams[0].dial", "127.0.0.1:9");
        QCOMPARE(doc.textAt("apps.http.servers.site0.routes[0].handle[0].upstreams[0].dial"), QStringLiteral("127.0.0.1:9"));
        doc.undo();
        QCOMPARE(doc.textAt("apps.http.servers.site0.routes[0].handle[0].upstreams[0].dial"), QString());
        QCOMPARE(doc.serverNames(), QStringList{"site0"});
        doc.undo();
        QVERIFY(doc.empty());
        QVERIFY(!doc.canUndo());
        doc.redo();
        doc.redo();
        QCOMPARE(doc.textAt("apps.http.servers.site0.routes[0].handle[0].upstreams[0].dial"), QStringLiteral("127.0.0.1:9"));
    }

    void text_keeps_numbers_numbers_and_lists_split_on_commas() {
        ConfigDocument doc;
        doc.setText("a.status_code", "404");
        QCOMPARE(doc.root()["a"]["status_code"], json(404));
        doc.setList("a.listen", ":80, 127.0.0.1:81 ,");
        QCOMPARE(doc.root()["a"]["listen"], json::array({":80", "127.0.0.1:81"}));
        doc.setList("a.weights", "3, 1");
        QCOMPARE(doc.root()["a"]["weights"], json::array({3, 1}));
        doc.setText("a.status_code", "");
        QVERIFY(!doc.root()["a"].contains("status_code"));
    }

    void routes_reorder_and_handlers_switch_kind() {
        ConfigDocument doc;
        doc.addSite(":8080");
        doc.addRoute("site0", "static_response");
        doc.move("apps.http.servers.site0.routes", 1, 0);
        QCOMPARE(doc.textAt("apps.http.servers.site0.routes[0].handle[0].handler"), QStringLiteral("static_response"));
        doc.setHandlerType("apps.http.servers.site0.routes[0].handle[0]", "redirect");
        QCOMPARE(doc.value("apps.http.servers.site0.routes[0].handle[0].status_code").toInt(), 302);
        QCOMPARE(doc.proxyHandlers().size(), 1);
        QCOMPARE(doc.proxyHandlers()[0].toMap()["path"].toString(), QStringLiteral("apps.http.servers.site0.routes[1].handle[0]"));
    }

    void a_new_handler_starts_as_the_engines_catalogue_default() {
        ConfigDocument doc;
        doc.addSite(":8080");
        const QString handler = "apps.http.servers.site0.routes[0].handle[0]";
        doc.addUpstream(handler, "127.0.0.1:1");
        doc.setHandlerType(handler, "reverse_proxy"); // the handler it runs: upstreams stay
        QCOMPARE(doc.count(handler + ".upstreams"), 1);
        QCOMPARE(doc.root()["apps"]["http"]["servers"]["site0"]["routes"][0]["handle"][0],
                 json({{"handler", "reverse_proxy"}, {"upstreams", json::array({{{"dial", "127.0.0.1:1"}}})}}));

        const json* entry = HandlerCatalogue::find("static_response");
        QVERIFY(entry);
        doc.setHandlerType(handler, "static_response");
        QCOMPARE(doc.root()["apps"]["http"]["servers"]["site0"]["routes"][0]["handle"][0], (*entry)["default"]);
        doc.setHandlerType(handler, "vars"); // a module without console defaults still gets {"handler": ...}
        QCOMPARE(doc.textAt(handler + ".handler"), QStringLiteral("vars"));

        const int revision = doc.revision();
        doc.setHandlerType(handler, "no_such_handler");
        QCOMPARE(doc.revision(), revision);
        QCOMPARE(doc.textAt(handler + ".handler"), QStringLiteral("vars"));

        // The redirect preset and back to the plain catalogue default, each one undo step.
        doc.setHandlerType(handler, "static_response");
        doc.setHandlerType(handler, "redirect");
        QCOMPARE(doc.textAt(handler + ".headers.Location"), QStringLiteral("https://example.com{http.request.uri}"));
        doc.resetHandler(handler);
        QCOMPARE(doc.root()["apps"]["http"]["servers"]["site0"]["routes"][0]["handle"][0], (*entry)["default"]);
        doc.undo();
        QCOMPARE(doc.value(handler + ".status_code").toInt(), 302);
    }

    // Attaching a policy puts the catalogue's default in front of what the route does, after the
    // policies already there, as one edit that undo takes back whole; a site gets a route of its own
    // without matchers at the head of its routes, so every request meets it.
    void a_policy_attaches_in_front_of_what_the_route_does() {
        ConfigDocument doc;
        doc.addSite(":8080");
        const QString route = "apps.http.servers.site0.routes[0]";
        doc.setHandlerType(route + ".handle[0]", "static_response");
        const int before = doc.revision();
        QCOMPARE(doc.attachHandler(route, "rate_limit"), route + ".handle[0]");
        QCOMPARE(doc.revision(), before + 1);
        const json fresh = HandlerCatalogue::find("rate_limit")->at("default");
        QCOMPARE(*JsonPath(route + ".handle[0]").find(doc.root()), fresh);
        QCOMPARE(doc.textAt(route + ".handle[1].handler"), QStringLiteral("static_response"));
        QCOMPARE(doc.mainHandlerIndex(route), 1);
        const QVariantList handlers = doc.handlersOf(route);
        QCOMPARE(handlers.size(), 2);
        QVERIFY(handlers[0].toMap().value("policy").toBool());
        QCOMPARE(handlers[0].toMap().value("label").toString(), QString::fromStdString(HandlerCatalogue::find("rate_limit")->value("label", "")));
        QVERIFY(!handlers[1].toMap().value("policy").toBool());

        // A second policy goes after the first, still in front of the handler.
        QCOMPARE(doc.attachHandler(route, "rate_limit"), route + ".handle[1]");
        QCOMPARE(doc.textAt(route + ".handle[2].handler"), QStringLiteral("static_response"));
        doc.undo();
        QCOMPARE(doc.count(route + ".handle"), 2);
        doc.undo();
        QCOMPARE(doc.count(route + ".handle"), 1);
        QCOMPARE(doc.mainHandlerIndex(route), 0);

        const QString site = "apps.http.servers.site0";
        QCOMPARE(doc.attachHandler(site, "rate_limit"), site + ".routes[0].handle[0]");
        QCOMPARE(doc.count(site + ".routes"), 2);
        QVERIFY(!doc.value(site + ".routes[0].match").isValid());
        QVERIFY(!doc.value(site + ".routes[0].terminal").isValid()); // requests go on to the next route
        QCOMPARE(doc.textAt(site + ".routes[1].handle[0].handler"), QStringLiteral("static_response"));
        QCOMPARE(doc.attachHandler(site, "rate_limit"), site + ".routes[1].handle[0]"); // after the site's first one

        QCOMPARE(doc.attachHandler("apps.http.servers.site0.listen", "rate_limit"), QString()); // neither a route nor a site
        QCOMPARE(doc.attachHandler(route, "no_such_handler"), QString());
    }

    void durations_read_as_caddy_writes_them() {
        ConfigDocument doc;
        doc.setValue("d", 90'000'000'000ll);
        QCOMPARE(doc.durationTextAt("d"), QStringLiteral("1m30s"));
        doc.setValue("d", "250ms");
        QCOMPARE(doc.durationTextAt("d"), QStringLiteral("250ms"));
        QCOMPARE(doc.durationTextAt("missing"), QString());
    }

    void a_handler_reads_as_the_caddyfile_directive_it_exports_to() {
        ConfigDocument doc;
        doc.addSite(":8080");
        const QString handler = "apps.http.servers.site0.routes[0].handle[0]";
        doc.addUpstream(handler, "127.0.0.1:1");
        doc.addUpstream(handler, "127.0.0.1:2");
        QCOMPARE(doc.caddyfileAt(handler), QStringLiteral("reverse_proxy 127.0.0.1:1 127.0.0.1:2"));
        doc.setHandlerType(handler, "metrics");
        QCOMPARE(doc.caddyfileAt(handler), QStringLiteral("metrics"));
        // No Caddyfile form (an unknown handler) or nothing there: "", and the view shows the JSON.
        QVERIFY(doc.loadJsonText(R"({"apps": {"http": {"servers": {"s": {"routes": [{"handle": [{"handler": "x"}]}]}}}}})"));
        QCOMPARE(doc.caddyfileAt("apps.http.servers.s.routes[0].handle[0]"), QString());
        QCOMPARE(doc.caddyfileAt("apps.http.servers.s.routes[1].handle[0]"), QString());
    }

    void a_caddyfile_with_global_options_is_not_taken_for_json() {
        const QString caddyfile = "{\n\tadmin off\n}\n:8080 {\n\trespond hi\n}\n";
        for (const QString name : {"Caddyfile", "site.caddyfile", "pasted"}) {
            const AdaptResult adapted = adaptText(caddyfile, name);
            QVERIFY2(adapted.error.isEmpty(), qPrintable(name + ": " + adapted.error));
            QCOMPARE(adapted.config["admin"], json({{"disabled", true}}));
        }
        QCOMPARE(adaptText(R"({"apps": {}})", "pasted").config, json({{"apps", json::object()}}));
        const AdaptResult broken = adaptText("{\n  \"apps\": nope\n}", "config.json");
        QVERIFY(!broken.error.isEmpty());
        QCOMPARE(broken.line, 2);
    }

    void dirty_until_saved_and_restored_as_saved() {
        QTemporaryDir dir;
        const QString file = dir.filePath("config.json");
        ConfigDocument doc;
        QSignalSpy dirty(&doc, &ConfigDocument::dirtyChanged);
        doc.addSite(":8080", "example.com");
        QVERIFY(doc.dirty());
        QVERIFY(doc.save(file));
        QVERIFY(!doc.dirty());
        QCOMPARE(dirty.count(), 2);
        doc.undo();
        QVERIFY(doc.dirty());
        doc.redo();
        QVERIFY(!doc.dirty());

        ConfigDocument restored;
        QVERIFY(restored.restore(file));
        QCOMPARE(restored.root(), doc.root());
        QVERIFY(!restored.dirty());
        QVERIFY(!restored.canUndo());
        QVERIFY(!restored.restore(dir.filePath("missing.json")));
    }

    void the_default_file_lives_under_the_app_config_location() {
        QVERIFY(ConfigDocument::defaultFile().startsWith(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)));
    }
};

QTEST_GUILESS_MAIN(ConfigDocumentTest)
#include "config_document_test.moc"
