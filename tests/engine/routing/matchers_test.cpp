#include "routing/matcher.hpp"

#include "../request_fixture.hpp"

#include "../json_text.hpp"

#include <QtTest>

using namespace proxflow;
using proxflow::test::q;
using proxflow::test::RequestFixture;

namespace {
bool matches(const std::string& match_json, const std::string& raw, const std::string& ip = "203.0.113.7") {
    RequestFixture f(raw, ip);
    return MatcherSets::from_json(json::parse(match_json), "match").match(*f.ctx);
}
const std::string get_api = "GET /api/users?id=7&x=1 HTTP/1.1\r\nHost: api.example.com:8080\r\nX-Env: staging\r\n\r\n";
} // namespace

class MatchersTest : public QObject {
    Q_OBJECT
private slots:
    void host_matches_exactly_and_by_one_label_wildcard() {
        QVERIFY(matches(q("[{'host': ['api.example.com']}]"), get_api));
        QVERIFY(matches(q("[{'host': ['*.example.com']}]"), get_api));
        QVERIFY(!matches(q("[{'host': ['*.com']}]"), get_api));
        QVERIFY(!matches(q("[{'host': ['example.com']}]"), get_api));
    }

    void host_matches_whatever_case_the_client_wrote() {
        const std::string shouted = "GET / HTTP/1.1\r\nHost: API.Example.COM\r\n\r\n";
        QVERIFY(matches(q("[{'host': ['api.example.com']}]"), shouted));
        QVERIFY(matches(q("[{'host': ['*.example.com']}]"), shouted));
        QVERIFY(matches(q("[{'host': ['API.example.com']}]"), get_api)); // the config's case does not matter either
        QVERIFY(!matches(q("[{'host': ['*.example.org']}]"), shouted));
    }

    void path_globs_match_prefix_suffix_and_exact() {
        QVERIFY(matches(q("[{'path': ['/api/*']}]"), get_api));
        QVERIFY(matches(q("[{'path': ['*/users']}]"), get_api));
        QVERIFY(matches(q("[{'path': ['/API/users']}]"), get_api));  // case-insensitive, as Caddy
        QVERIFY(!matches(q("[{'path': ['/api']}]"), get_api));
    }

    void sets_are_or_and_matchers_within_a_set_are_and() {
        QVERIFY(matches(q("[{'path': ['/nope']}, {'method': ['GET']}]"), get_api));
        QVERIFY(!matches(q("[{'path': ['/api/*'], 'method': ['POST']}]"), get_api));
    }

    void header_query_and_regexp_matchers() {
        QVERIFY(matches(q("[{'header': {'X-Env': ['stag*']}}]"), get_api));
        QVERIFY(!matches(q("[{'header': {'X-Env': ['prod']}}]"), get_api));
        QVERIFY(matches(q("[{'header': {'X-Missing': null}}]"), get_api));
        QVERIFY(matches(q("[{'query': {'id': ['7']}}]"), get_api));
        QVERIFY(matches(q("[{'query': {'x': ['*']}}]"), get_api));
        QVERIFY(!matches(q("[{'query': {'id': ['8']}}]"), get_api));
        QVERIFY(matches(q("[{'path_regexp': {'name': 'u', 'pattern': '^/api/[a-z]+$'}}]"), get_api));
    }

    void remote_ip_and_not() {
        QVERIFY(matches(q("[{'remote_ip': {'ranges': ['203.0.113.0/24']}}]"), get_api));
        QVERIFY(!matches(q("[{'remote_ip': {'ranges': ['10.0.0.0/8']}}]"), get_api));
        QVERIFY(matches(q("[{'not': [{'path': ['/admin*']}]}]"), get_api));
    }

    void an_unknown_matcher_is_a_config_error_with_its_path() {
        try {
            MatcherSets::from_json(json::parse(q("[{'hots': ['a']}]")), "routes[0].match");
            QFAIL("accepted an unknown matcher");
        } catch (const ConfigError& e) {
            QCOMPARE(QString::fromStdString(e.path()), QString("routes[0].match[0].hots"));
        }
    }
};

QTEST_APPLESS_MAIN(MatchersTest)
#include "matchers_test.moc"
