// Conditional and range requests as Go's http.ServeContent answers them for Caddy 2.6.2.
#include "modules/file_server/conditional_request.hpp"

#include <QtTest>

using namespace proxflow;
using namespace proxflow::file_server;

namespace {

const std::time_t modified = 1700000000; // Tue, 14 Nov 2023 22:13:20 GMT
const char* etag = "\"s3v1z4k\"";

ConditionalOutcome check(std::initializer_list<std::pair<http::field, const char*>> fields,
                         http::verb method = http::verb::get) {
    http::request_header<> r;
    r.method(method);
    for (const auto& [name, value] : fields) r.set(name, value);
    return check_preconditions(r, etag, modified);
}

} // namespace

class ConditionalRequestTest : public QObject {
    Q_OBJECT
private slots:
    void dates_round_trip_in_imf_fixdate() {
        QCOMPARE(http_date(modified), std::string("Tue, 14 Nov 2023 22:13:20 GMT"));
        QCOMPARE(*parse_http_date("Tue, 14 Nov 2023 22:13:20 GMT"), modified);
        QCOMPARE(*parse_http_date("Tuesday, 14-Nov-23 22:13:20 GMT"), modified);
        QCOMPARE(*parse_http_date("Tue Nov 14 22:13:20 2023"), modified);
        QVERIFY(!parse_http_date("yesterday"));
    }

    void a_matching_tag_or_an_unchanged_date_is_not_modified() {
        QVERIFY(check({{http::field::if_none_match, etag}}).result == Precondition::not_modified);
        QVERIFY(check({{http::field::if_none_match, "W/\"s3v1z4k\""}}).result == Precondition::not_modified);
        QVERIFY(check({{http::field::if_none_match, "\"a\", \"s3v1z4k\""}}).result == Precondition::not_modified);
        QVERIFY(check({{http::field::if_none_match, "\"other\""}}).result == Precondition::proceed);
        QVERIFY(check({{http::field::if_modified_since, "Tue, 14 Nov 2023 22:13:20 GMT"}}).result == Precondition::not_modified);
        QVERIFY(check({{http::field::if_modified_since, "Tue, 14 Nov 2023 22:13:19 GMT"}}).result == Precondition::proceed);
        // If-None-Match decides alone when present.
        QVERIFY(check({{http::field::if_none_match, "\"other\""}, {http::field::if_modified_since, "Tue, 14 Nov 2023 22:13:20 GMT"}})
                    .result == Precondition::proceed);
    }

    void failed_if_match_and_if_unmodified_since_are_412() {
        QVERIFY(check({{http::field::if_match, "\"other\""}}).result == Precondition::precondition_failed);
        QVERIFY(check({{http::field::if_match, "W/\"s3v1z4k\""}}).result == Precondition::precondition_failed);
        QVERIFY(check({{http::field::if_match, "*"}}).result == Precondition::proceed);
        QVERIFY(check({{http::field::if_unmodified_since, "Mon, 13 Nov 2023 00:00:00 GMT"}}).result == Precondition::precondition_failed);
        QVERIFY(check({{http::field::if_none_match, etag}}, http::verb::post).result == Precondition::precondition_failed);
    }

    void if_range_keeps_the_range_only_for_the_same_version() {
        QVERIFY(check({{http::field::if_range, etag}}).range_allowed);
        QVERIFY(!check({{http::field::if_range, "\"old\""}}).range_allowed);
        QVERIFY(check({{http::field::if_range, "Tue, 14 Nov 2023 22:13:20 GMT"}}).range_allowed);
        QVERIFY(!check({{http::field::if_range, "Tue, 14 Nov 2023 22:13:21 GMT"}}).range_allowed);
    }

    void ranges_follow_go_parse_range() {
        auto one = parse_range("bytes=100-199", 1000);
        QVERIFY(one.status == RangeRequest::Status::ranges);
        QCOMPARE(one.ranges[0].content_range(1000), std::string("bytes 100-199/1000"));
        QCOMPARE(parse_range("bytes=-10", 1000).ranges[0].start, std::uint64_t(990));
        QCOMPARE(parse_range("bytes=990-5000", 1000).ranges[0].length, std::uint64_t(10));
        QCOMPARE(parse_range("bytes=0-1, 5-6", 1000).ranges.size(), std::size_t(2));
        QVERIFY(parse_range("bytes=1000-", 1000).status == RangeRequest::Status::no_overlap);
        QVERIFY(parse_range("bytes=5-1", 1000).status == RangeRequest::Status::invalid);
        QVERIFY(parse_range("pages=1-2", 1000).status == RangeRequest::Status::invalid);
        QVERIFY(parse_range("", 1000).status == RangeRequest::Status::whole);
        // Ranges adding up to more than the file are ignored: the whole file is served.
        QVERIFY(parse_range("bytes=0-999,0-999", 1000).status == RangeRequest::Status::whole);
    }
};

QTEST_APPLESS_MAIN(ConditionalRequestTest)
#include "conditional_request_test.moc"
