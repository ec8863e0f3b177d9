#include "routing/placeholder.hpp"

#include "../request_fixture.hpp"

#include <QtTest>

using namespace proxflow;
using proxflow::test::RequestFixture;

class PlaceholderTest : public QObject {
    Q_OBJECT
private slots:
    void request_placeholders_render_from_the_request() {
        RequestFixture f("POST /a/b?q=1&lang=de HTTP/1.1\r\nHost: shop.example:8443\r\nX-Id: 42\r\nCookie: s=abc; t=2\r\n\r\n");
        auto render = [&](const char* text) { return QString::fromStdString(Template(text).render(*f.ctx)); };
        QCOMPARE(render("{http.request.host}"), QString("shop.example"));
        QCOMPARE(render("{http.request.hostport}"), QString("shop.example:8443"));
        QCOMPARE(render("{http.request.method} {http.request.uri.path}"), QString("POST /a/b"));
        QCOMPARE(render("{http.request.uri.query}"), QString("q=1&lang=de"));
        QCOMPARE(render("{http.request.uri.query.lang}"), QString("de"));
        QCOMPARE(render("{http.request.uri.path.1}"), QString("b"));
        QCOMPARE(render("{http.request.header.X-Id}"), QString("42"));
        QCOMPARE(render("{http.request.cookie.t}"), QString("2"));
        QCOMPARE(render("{http.request.remote.host}"), QString("203.0.113.7"));
        QCOMPARE(render("id={http.request.header.X-Id}!"), QString("id=42!"));
    }

    void unknown_placeholders_render_empty_and_escaped_braces_stay() {
        RequestFixture f("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        QCOMPARE(QString::fromStdString(Template("x{no.such}y").render(*f.ctx)), QString("xy"));
        QCOMPARE(QString::fromStdString(Template("\\{literal\\}").render(*f.ctx)), QString("{literal}"));
    }
};

QTEST_APPLESS_MAIN(PlaceholderTest)
#include "placeholder_test.moc"
