#include "http/status_code.hpp"

#include <QtTest>

using namespace proxflow;

class StatusCodeTest : public QObject {
    Q_OBJECT
private slots:
    void a_code_matches_itself_and_a_digit_its_class() {
        QVERIFY(status_matches(404, 404));
        QVERIFY(!status_matches(404, 403));
        QVERIFY(status_matches(503, 5));
        QVERIFY(status_matches(500, 5));
        QVERIFY(status_matches(599, 5));
        QVERIFY(!status_matches(404, 5));
        QVERIFY(!status_matches(200, -2));
        QVERIFY(any_status_matches(502, {404, 5}));
        QVERIFY(!any_status_matches(200, {404, 5}));
        QVERIFY(!any_status_matches(200, {}));
    }

    void only_a_whole_number_is_a_status() {
        QCOMPARE(parse_status_number("418"), std::optional<int>(418));
        QCOMPARE(parse_status_number("0"), std::optional<int>(0));
        QVERIFY(!parse_status_number(""));
        QVERIFY(!parse_status_number("20x"));
        QVERIFY(!parse_status_number(" 200"));
        QVERIFY(!parse_status_number("+200"));
        QVERIFY(!parse_status_number("99999999999"));
    }
};

QTEST_APPLESS_MAIN(StatusCodeTest)
#include "status_code_test.moc"
