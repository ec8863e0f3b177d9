#include "http/read_with_parser.hpp"

#include <QtTest>

#include <string>
#include <string_view>

using namespace proxflow;

namespace {

constexpr std::string_view response_head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: t\r\n\r\n";

void put_into(beast::flat_buffer& buffer, std::string_view bytes) {
    buffer.commit(asio::buffer_copy(buffer.prepare(bytes.size()), asio::buffer(bytes)));
}

struct ReadOutcome {
    error_code ec;
    std::size_t parsed = 0;
};

// Writes `pieces` to one end of a connected pair, a pause between them, closes it when
// `close_after` says so, and reads a response header from the other end with read_header.
ReadOutcome read_header_from(std::vector<std::string> pieces, bool close_after, ResponseParser& parser,
                             beast::flat_buffer& buffer) {
    asio::io_context io;
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    tcp::socket writer(io);
    writer.connect(acceptor.local_endpoint());
    beast::tcp_stream reader(acceptor.accept());
    ReadOutcome outcome;
    asio::co_spawn(io, [&]() -> awaitable<void> {
        std::tie(outcome.ec, outcome.parsed) = co_await read_header(reader, buffer, parser);
    }, asio::detached);
    asio::co_spawn(io, [&]() -> awaitable<void> {
        asio::steady_timer pause(io);
        for (const auto& piece : pieces) {
            co_await asio::async_write(writer, asio::buffer(piece), use_nothrow);
            pause.expires_after(std::chrono::milliseconds(20));
            co_await pause.async_wait(use_nothrow);
        }
        if (close_after) writer.close();
    }, asio::detached);
    io.run_for(std::chrono::seconds(5));
    return outcome;
}

} // namespace

class ReadWithParserTest : public QObject {
    Q_OBJECT
private slots:
    void a_buffered_header_and_body_parse_without_the_stream() {
        ResponseParser parser;
        beast::flat_buffer buffer;
        put_into(buffer, std::string(response_head) + "hello");
        error_code ec;
        QVERIFY(parse_buffered(parser, buffer, ec));
        QVERIFY(!ec);
        QVERIFY(parser.is_header_done());
        QCOMPARE(buffer.size(), std::size_t{5}); // the body waits for its buffer
        char body[16];
        parser.get().body().data = body;
        parser.get().body().size = sizeof body;
        QVERIFY(parse_buffered(parser, buffer, ec));
        QVERIFY(parser.is_done());
        QCOMPARE(std::string_view(body, 5), std::string_view("hello"));
    }

    void an_empty_or_partial_buffer_asks_for_the_stream_and_the_rest_completes_it() {
        ResponseParser parser;
        beast::flat_buffer buffer;
        error_code ec;
        QVERIFY(!parse_buffered(parser, buffer, ec));
        put_into(buffer, response_head.substr(0, 20));
        QVERIFY(!parse_buffered(parser, buffer, ec));
        QVERIFY(!ec);
        put_into(buffer, response_head.substr(20));
        QVERIFY(parse_buffered(parser, buffer, ec));
        QVERIFY(parser.is_header_done());
        QCOMPARE(parser.content_length().value_or(0), std::uint64_t{5});
    }

    void malformed_bytes_are_an_error_not_a_read() {
        ResponseParser parser;
        beast::flat_buffer buffer;
        put_into(buffer, "HTTP/1.1 2x0 OK\r\n\r\n");
        error_code ec;
        QVERIFY(parse_buffered(parser, buffer, ec));
        QVERIFY(ec);
    }

    void a_header_split_across_reads_is_read_whole() {
        ResponseParser parser;
        beast::flat_buffer buffer;
        const std::string head(response_head);
        const auto got = read_header_from({head.substr(0, 9), head.substr(9, 20), head.substr(29) + "hel"}, false,
                                          parser, buffer);
        QVERIFY2(!got.ec, got.ec.message().c_str());
        QCOMPARE(got.parsed, head.size());
        QCOMPARE(parser.get().result_int(), 200u);
        QCOMPARE(std::string(parser.get()[http::field::server]), std::string("t"));
        QCOMPARE(buffer.size(), std::size_t{3}); // the body's first bytes stay for the body read
    }

    void a_peer_closing_gives_the_errors_beast_gives() {
        {
            ResponseParser parser;
            beast::flat_buffer buffer;
            QCOMPARE(read_header_from({}, true, parser, buffer).ec, error_code(http::error::end_of_stream));
        }
        {
            ResponseParser parser;
            beast::flat_buffer buffer;
            QCOMPARE(read_header_from({"HTTP/1.1 200 OK\r\nServ"}, true, parser, buffer).ec,
                     error_code(http::error::partial_message));
        }
    }
};

QTEST_APPLESS_MAIN(ReadWithParserTest)
#include "read_with_parser_test.moc"
