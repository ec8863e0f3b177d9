#include "modules/reverse_proxy/response_handlers.hpp"

#include "../../request_fixture.hpp"

#include "module/build_context.hpp"
#include "modules/reverse_proxy/upstream.hpp"

#include <QtTest>

using namespace proxflow;
using proxflow::test::RequestFixture;

namespace {

http::response_header<> response(unsigned status, std::vector<std::pair<std::string, std::string>> fields = {}) {
    http::response_header<> res;
    res.result(status);
    for (const auto& [name, value] : fields) res.insert(name, value);
    return res;
}

ResponseMatcher matcher(const std::string& text) { return ResponseMatcher::from_json(json::parse(text), "match"); }

struct Build {
    UsagePool hosts;
    asio::io_context background;
    BuildContext context{hosts, background, {}};
};

} // namespace

class ResponseHandlersTest : public QObject {
    Q_OBJECT
private slots:
    void status_codes_and_classes_match() {
        const auto m = matcher(R"({"status_code": [4, 503]})");
        QVERIFY(m.match(response(404)));
        QVERIFY(m.match(response(499)));
        QVERIFY(m.match(response(503)));
        QVERIFY(!m.match(response(500)));
        QVERIFY(!m.match(response(200)));
    }

    void header_rules_need_every_field_and_read_values_literally() {
        const auto m = matcher(R"({"headers": {"X-Kind": ["beta*"], "X-Gone": null, "X-Any": []}})");
        QVERIFY(m.match(response(200, {{"x-kind", "beta-2"}, {"X-Any", ""}})));
        QVERIFY(!m.match(response(200, {{"X-Kind", "gamma"}, {"X-Any", "1"}})));
        QVERIFY(!m.match(response(200, {{"X-Kind", "beta"}})));                           // X-Any missing
        QVERIFY(!m.match(response(200, {{"X-Kind", "beta"}, {"X-Any", "1"}, {"X-Gone", "1"}}))); // must be absent
        // No replacer for responses: a placeholder in a value is plain text.
        const auto literal = matcher(R"({"headers": {"X-V": ["{http.request.method}"]}})");
        QVERIFY(literal.match(response(200, {{"X-V", "{http.request.method}"}})));
        QVERIFY(!literal.match(response(200, {{"X-V", "GET"}})));
    }

    void the_first_entry_that_does_something_is_selected() {
        Build b;
        const auto handlers = ResponseHandlers::from_json(json::parse(R"([
            {"match": {"status_code": [2]}},
            {"match": {"status_code": [200]}, "status_code": 201},
            {"status_code": "{http.request.header.X-Code}"}
        ])"), "handle_response", b.context);
        const ResponseHandler* chosen = handlers.select(response(200));
        QVERIFY(chosen && chosen->match);
        QCOMPARE(chosen->status_code->text(), std::string("201"));
        chosen = handlers.select(response(500));
        QVERIFY(chosen && !chosen->match);
        QVERIFY(!handlers.has_routes());
    }

    void status_templates_render_or_fail_as_caddy_would() {
        RequestFixture f("GET / HTTP/1.1\r\nHost: a\r\nX-Code: 418\r\nX-Bad: 42\r\n\r\n");
        QCOMPARE(*render_status(Template("{http.request.header.X-Code}"), *f.ctx), 418u);
        QCOMPARE(*render_status(Template("0"), *f.ctx), 0u); // 0 keeps the upstream's status
        QVERIFY(!render_status(Template("{http.error.status_code}"), *f.ctx)); // empty: a 500
        QVERIFY(!render_status(Template("{http.request.header.X-Bad}"), *f.ctx));
        QVERIFY_THROWS_EXCEPTION(ConfigError, read_status_template(json("abc"), "status_code"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, read_status_template(json(99), "status_code"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, read_status_template(json::array(), "status_code"));
        QCOMPARE(read_status_template(json(404), "status_code").text(), std::string("404"));
    }

    void copy_response_is_refused_outside_handle_response_routes() {
        Build b;
        const json outside = json::parse(R"({"handler": "copy_response"})");
        QVERIFY_THROWS_EXCEPTION(ConfigError, build_handler(outside, "handle[0]", b.context));
        const auto inside = ResponseHandlers::from_json(json::parse(R"([
            {"routes": [{"handle": [{"handler": "copy_response_headers", "exclude": ["Server"]}, {"handler": "copy_response"}]}]}
        ])"), "handle_response", b.context);
        QVERIFY(inside.has_routes());
        QCOMPARE(b.context.handle_response_depth, 0);
        QVERIFY_THROWS_EXCEPTION(ConfigError, ResponseHandlers::from_json(json::parse(R"([
            {"routes": [{"handle": [{"handler": "copy_response_headers", "exclude": ["A"], "include": ["B"]}]}]}
        ])"), "handle_response", b.context));
        QCOMPARE(b.context.handle_response_depth, 0);
    }
};

QTEST_APPLESS_MAIN(ResponseHandlersTest)
#include "response_handlers_test.moc"
