#include "config/object_reader.hpp"

#include "../json_text.hpp"

#include <QtTest>

using namespace proxflow;
using proxflow::test::q;

class ObjectReaderTest : public QObject {
    Q_OBJECT
private slots:
    void unknown_field_is_an_error_naming_its_path() {
        const json value = json::parse(q("{'dial': 'a:1', 'dail': 'b:2'}"));
        ObjectReader r(value, "apps.http.servers.srv0.routes[0].handle[0].upstreams[1]");
        r.string("dial");
        try {
            r.finish();
            QFAIL("finish() accepted an unknown field");
        } catch (const ConfigError& e) {
            QCOMPARE(QString::fromStdString(e.path()), QString("apps.http.servers.srv0.routes[0].handle[0].upstreams[1].dail"));
            QVERIFY(std::string(e.what()).find("unknown field") != std::string::npos);
        }
    }

    void wrong_type_names_the_field() {
        const json value = json::parse(q("{'max_fails': 'three'}"));
        ObjectReader r(value, "p");
        QVERIFY_THROWS_EXCEPTION(ConfigError, r.integer("max_fails"));
    }

    void durations_read_go_syntax_and_nanoseconds() {
        using namespace std::chrono;
        QCOMPARE(parse_duration(json("1m30s"), "x"), nanoseconds(seconds(90)));
        QCOMPARE(parse_duration(json("250ms"), "x"), nanoseconds(milliseconds(250)));
        QCOMPARE(parse_duration(json("1.5h"), "x"), nanoseconds(minutes(90)));
        QCOMPARE(parse_duration(json("2d"), "x"), nanoseconds(hours(48)));
        QCOMPARE(parse_duration(json(5000000000), "x"), nanoseconds(seconds(5)));
        QVERIFY_THROWS_EXCEPTION(ConfigError, parse_duration(json("10 parsecs"), "x"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, parse_duration(json(true), "x"));
    }

    void durations_format_back_to_the_shortest_go_form() {
        using namespace std::chrono;
        QCOMPARE(QString::fromStdString(format_duration(seconds(90))), QString("1m30s"));
        QCOMPARE(QString::fromStdString(format_duration(milliseconds(250))), QString("250ms"));
        QCOMPARE(QString::fromStdString(format_duration(hours(2))), QString("2h"));
    }

    void durations_print_as_go_prints_them_in_placeholders() {
        using namespace std::chrono;
        QCOMPARE(QString::fromStdString(go_duration_string(milliseconds(4500))), QString("4.5s"));
        QCOMPARE(QString::fromStdString(go_duration_string(milliseconds(90250))), QString("1m30.25s"));
        QCOMPARE(QString::fromStdString(go_duration_string(hours(2))), QString("2h0m0s"));
        QCOMPARE(QString::fromStdString(go_duration_string(microseconds(1500))), QString("1.5ms"));
        QCOMPARE(QString::fromStdString(go_duration_string(nanoseconds(999))), QString("999ns"));
        QCOMPARE(QString::fromStdString(go_duration_string(nanoseconds(0))), QString("0s"));
    }

    // As Go's ParseDuration: beyond int64 nanoseconds is an error, not a wrapped value; and the extremes
    // print without overflowing (-min is not an int64).
    void durations_beyond_int64_are_refused_and_the_extremes_print() {
        using namespace std::chrono;
        QCOMPARE(parse_duration(json("9223372036s"), "x"), nanoseconds(9223372036000000000));
        QVERIFY_THROWS_EXCEPTION(ConfigError, parse_duration(json("9223372037s"), "x"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, parse_duration(json("-9223372037s"), "x"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, parse_duration(json("99999999999999999999999h"), "x"));
        QCOMPARE(parse_duration(json("-9223372036854775808ns"), "x"), nanoseconds::min());
        QCOMPARE(parse_duration(json("9223372036854775807ns"), "x"), nanoseconds::max());
        QCOMPARE(QString::fromStdString(format_duration(nanoseconds::min())), QString("-9223372036854775808ns"));
        QCOMPARE(QString::fromStdString(format_duration(nanoseconds::max())), QString("9223372036854775807ns"));
        QCOMPARE(QString::fromStdString(go_duration_string(nanoseconds::min())), QString("-2562047h47m16.854775808s"));
    }
};

QTEST_APPLESS_MAIN(ObjectReaderTest)
#include "object_reader_test.moc"
