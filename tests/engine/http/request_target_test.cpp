// The one form of a request target that routes and upstreams see (RFC 9112 §3.2).
#include "http/request_target.hpp"

#include <QtTest>

using namespace proxflow;

namespace {

Request request(http::verb method, std::string target, std::string host = "t") {
    Request req{method, target, 11};
    req.set(http::field::host, host);
    return req;
}

std::string normalized(std::string target, http::verb method = http::verb::get) {
    auto req = request(method, std::move(target));
    if (!normalize_request_target(req)) return "<refused>";
    return std::string(req.target()) + " @" + std::string(req[http::field::host]);
}

} // namespace

class RequestTargetTest : public QObject {
    Q_OBJECT
private slots:
    void an_origin_form_target_without_dots_is_left_alone() {
        QCOMPARE(normalized("/a//b/%41?x=/../y"), std::string("/a//b/%41?x=/../y @t"));
    }

    void absolute_form_becomes_origin_form_and_its_authority_the_host() {
        QCOMPARE(normalized("http://evil.example/x?q"), std::string("/x?q @evil.example"));
        QCOMPARE(normalized("HTTPS://a.example:8443"), std::string("/ @a.example:8443"));
        QCOMPARE(normalized("http://a.example?q=1"), std::string("/?q=1 @a.example"));
        QCOMPARE(normalized("http://[::1]:80/x"), std::string("/x @[::1]:80"));
    }

    void bad_authorities_and_other_forms_are_refused() {
        for (const char* target : {"http://user@a.example/", "http:///x", "http://a b/", "ftp://a.example/", "x", "a.example:80"})
            QCOMPARE(normalized(target), std::string("<refused>"));
    }

    void asterisk_form_is_only_for_options() {
        QCOMPARE(normalized("*", http::verb::options), std::string("* @t"));
        QCOMPARE(normalized("*"), std::string("<refused>"));
    }

    void dot_segments_leave_the_path_and_climbing_above_the_root_is_refused() {
        QCOMPARE(normalized("/a/%2e%2e/admin?x"), std::string("/admin?x @t"));
        QCOMPARE(normalized("http://h/a/../b"), std::string("/b @h"));
        QCOMPARE(normalized("/../../etc/passwd"), std::string("<refused>"));
    }

    void malformed_escapes_and_raw_non_ascii_bytes_are_refused() {
        QCOMPARE(normalized("/a%zz"), std::string("<refused>"));
        QCOMPARE(normalized("/caf\xc3\xa9"), std::string("<refused>"));
        QCOMPARE(normalized("/caf%C3%A9"), std::string("/caf%C3%A9 @t"));
    }

    void host_values_are_a_host_and_a_port() {
        for (const char* host : {"a.example", "a.example:8080", "[::1]:80", "127.0.0.1", ""}) QVERIFY(is_valid_host(host));
        for (const char* host : {"a/b", "a b", "a@b", "a\\b", "caf\xc3\xa9"}) QVERIFY(!is_valid_host(host));
    }
};

QTEST_APPLESS_MAIN(RequestTargetTest)
#include "request_target_test.moc"
