#include "http/field_lookup.hpp"

#include <QtTest>

using namespace proxflow;

namespace {
// A header as the parser leaves it, so every field carries the code Beast gave its name.
http::request_header<> parsed(const std::string& raw) {
    http::request_parser<http::empty_body> parser;
    error_code ec;
    parser.put(asio::buffer(raw), ec);
    return parser.release().base();
}
} // namespace

class FieldLookupTest : public QObject {
    Q_OBJECT
private slots:
    void a_value_is_the_first_of_its_name_whatever_its_case() {
        const auto req = parsed("GET / HTTP/1.1\r\nhOsT: a.test\r\nAccept: */*\r\nHOST: b.test\r\n\r\n");
        QCOMPARE(field_value(req, http::field::host), beast::string_view("a.test"));
        QCOMPARE(field_value(req, http::field::host), req[http::field::host]);
        QVERIFY(field_value(req, http::field::expect).empty());
    }

    void counts_agree_with_beasts() {
        auto req = parsed("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nServer: x\r\n\r\n");
        QCOMPARE(field_count(req, http::field::host), std::size_t{2});
        QCOMPARE(field_count(req, http::field::server), std::size_t{1});
        QCOMPARE(field_count(req, http::field::expect), std::size_t{0});
        req.insert("expect", "100-continue"); // inserted by name: Beast gives it its code too
        QCOMPARE(field_count(req, http::field::expect), std::size_t{1});
        QCOMPARE(field_value(req, http::field::expect), beast::string_view("100-continue"));
    }

    void chunked_is_the_last_coding_of_the_first_transfer_encoding() {
        const std::vector<std::pair<std::string, bool>> cases = {
            {"", false},
            {"Transfer-Encoding: chunked\r\n", true},
            {"Transfer-Encoding: gzip, CHUNKED\r\n", true},
            {"Transfer-Encoding: chunked, gzip\r\n", false},
            {"Transfer-Encoding: xchunked\r\n", false},
            {"Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", false}, // only the first, as Beast
        };
        for (const auto& [fields, chunked] : cases) {
            http::request<http::empty_body> req;
            // Built by insertion: the parser itself refuses some of these framings.
            std::size_t start = 0;
            while (start < fields.size()) {
                const auto end = fields.find("\r\n", start);
                const auto line = fields.substr(start, end - start);
                const auto colon = line.find(':');
                req.insert(line.substr(0, colon), line.substr(colon + 2));
                start = end + 2;
            }
            QCOMPARE(says_chunked(req), chunked);
            QCOMPARE(says_chunked(req), req.chunked());
        }
    }
};

QTEST_APPLESS_MAIN(FieldLookupTest)
#include "field_lookup_test.moc"
