// What a request must pass before any route sees it, fed as the bytes a client sends.
#include "server/request_checks.hpp"

#include <QtTest>

using namespace proxflow;

namespace {

struct Vetted {
    http::status status;
    RequestParser parser;
};

// Parses a request head (Beast refuses what it cannot parse: those cases belong to Beast's tests).
std::unique_ptr<Vetted> vet(std::string_view head) {
    auto v = std::make_unique<Vetted>();
    error_code ec;
    v->parser.put(asio::buffer(head.data(), head.size()), ec);
    if (ec && ec != http::error::need_more) qFatal("Beast refused the head: %s", ec.message().c_str());
    v->status = vet_request(v->parser);
    return v;
}

} // namespace

class RequestChecksTest : public QObject {
    Q_OBJECT
private slots:
    void an_ordinary_request_goes_on_untouched() {
        auto v = vet("GET /x HTTP/1.1\r\nHost: t\r\n\r\n");
        QCOMPARE(v->status, http::status::unknown);
        QCOMPARE(std::string(v->parser.get().target()), std::string("/x"));
    }

    void host_must_be_there_once_and_well_formed() {
        QCOMPARE(vet("GET / HTTP/1.1\r\n\r\n")->status, http::status::bad_request);
        QCOMPARE(vet("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n")->status, http::status::bad_request);
        QCOMPARE(vet("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n")->status, http::status::bad_request);
        QCOMPARE(vet("GET / HTTP/1.0\r\n\r\n")->status, http::status::unknown);
    }

    void trace_and_connect_are_refused_with_405() {
        QCOMPARE(vet("TRACE /x HTTP/1.1\r\nHost: t\r\nMax-Forwards: 0\r\n\r\n")->status, http::status::method_not_allowed);
        QCOMPARE(vet("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n")->status, http::status::method_not_allowed);
    }

    void a_transfer_coding_other_than_chunked_is_501() {
        QCOMPARE(vet("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n")->status, http::status::not_implemented);
    }

    void a_repeated_identical_content_length_becomes_one_field() {
        for (const char* head : {"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
                                 "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 5\r\n\r\n"}) {
            auto v = vet(head);
            QCOMPARE(v->status, http::status::unknown);
            const auto& req = v->parser.get();
            QCOMPARE(std::distance(req.equal_range(http::field::content_length).first, req.equal_range(http::field::content_length).second), 1L);
            QCOMPARE(std::string(req[http::field::content_length]), std::string("5"));
        }
    }

    void the_target_is_normalised_or_the_request_refused() {
        auto v = vet("GET http://a.example/x/../y HTTP/1.1\r\nHost: b.example\r\n\r\n");
        QCOMPARE(v->status, http::status::unknown);
        QCOMPARE(std::string(v->parser.get().target()), std::string("/y"));
        QCOMPARE(std::string(v->parser.get()[http::field::host]), std::string("a.example"));
        QCOMPARE(vet("GET /../x HTTP/1.1\r\nHost: t\r\n\r\n")->status, http::status::bad_request);
    }
};

QTEST_APPLESS_MAIN(RequestChecksTest)
#include "request_checks_test.moc"
