// A request path read the way Go and Caddy read it: escapes, Clean, Caddy's matcher cleaning, and
// RFC 3986's dot-segment removal that ProxFlow applies before routing and forwarding.
#include "http/url_path.hpp"

#include <QtTest>

using namespace proxflow;

class UrlPathTest : public QObject {
    Q_OBJECT
private slots:
    void malformed_escapes_are_refused() {
        QVERIFY(!unescape_path("/a%2").has_value());
        QVERIFY(!unescape_path("/a%zz").has_value());
        QCOMPARE(*unescape_path("/%C3%BC%20x"), std::string("/ü x"));
    }

    void clean_follows_go() {
        QCOMPARE(clean_path(""), std::string("."));
        QCOMPARE(clean_path("a/../../b"), std::string("../b"));
        QCOMPARE(clean_path("//a/./b/"), std::string("/a/b"));
        QCOMPARE(clean_path("/.."), std::string("/"));
    }

    void the_matched_path_keeps_its_trailing_slash_and_doubled_slashes_only_when_asked() {
        QCOMPARE(clean_matched_path("//admin//x/", true), std::string("/admin/x/"));
        QCOMPARE(clean_matched_path("//admin//x/../y", false), std::string("//admin//y"));
        QCOMPARE(clean_matched_path("/", true), std::string("/"));
        QCOMPARE(clean_matched_path("/a/..", true), std::string("/"));
    }

    void dot_segments_go_and_everything_else_stays_as_written() {
        QCOMPARE(*remove_dot_segments("/a/./b/../c"), std::string("/a/c"));
        QCOMPARE(*remove_dot_segments("/a/%2e%2E/b"), std::string("/b"));
        QCOMPARE(*remove_dot_segments("/a/.%2e/b"), std::string("/b"));
        QCOMPARE(*remove_dot_segments("/a/b/.."), std::string("/a/"));
        QCOMPARE(*remove_dot_segments("/a/."), std::string("/a/"));
        QCOMPARE(*remove_dot_segments("/a//b/%41/.x/..y/"), std::string("/a//b/%41/.x/..y/"));
        QCOMPARE(*remove_dot_segments("/"), std::string("/"));
    }

    void a_path_climbing_above_the_root_is_refused() {
        QVERIFY(!remove_dot_segments("/..").has_value());
        QVERIFY(!remove_dot_segments("/a/../../etc/passwd").has_value());
        QVERIFY(!remove_dot_segments("/%2e%2e/x").has_value());
    }
};

QTEST_APPLESS_MAIN(UrlPathTest)
#include "url_path_test.moc"
