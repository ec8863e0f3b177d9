#include "upstream_stub.hpp"

#include <memory>
#include <string_view>

namespace fuzz {
namespace {

using namespace proxflow;

// Fixed answers by a word in the path; anything else gets the request echoed back with a length.
std::string_view canned_response(std::string_view target) {
    if (target.find("/chunked") != target.npos)
        return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
               "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
    if (target.find("/until-close") != target.npos)
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Upstream: 1\r\n\r\nbody until the connection closes";
    if (target.find("/no-content") != target.npos) return "HTTP/1.1 204 No Content\r\nX-Upstream: 1\r\n\r\n";
    if (target.find("/continue") != target.npos)
        return "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    if (target.find("/not-modified") != target.npos) return "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n";
    return {};
}

awaitable<void> echo_until_eof(tcp::socket& socket, beast::flat_buffer& leftover) {
    if (leftover.size() > 0) co_await asio::async_write(socket, leftover.data(), use_nothrow);
    char chunk[4096];
    for (;;) {
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(chunk), use_nothrow);
        if (ec) break;
        std::tie(ec, n) = co_await asio::async_write(socket, asio::buffer(chunk, n), use_nothrow);
        if (ec) break;
    }
}

awaitable<void> answer(tcp::socket socket) {
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(1 << 20);
        auto [ec, n] = co_await http::async_read(socket, buffer, parser, use_nothrow);
        if (ec) break;
        const auto& req = parser.get();
        if (parser.upgrade()) {
            http::response<http::empty_body> res{http::status::switching_protocols, 11};
            res.set(http::field::connection, "Upgrade");
            res.set(http::field::upgrade, req[http::field::upgrade]);
            std::tie(ec, n) = co_await http::async_write(socket, res, use_nothrow);
            if (!ec) co_await echo_until_eof(socket, buffer);
            break;
        }
        const std::string_view target(req.target().data(), req.target().size());
        if (const auto canned = canned_response(target); !canned.empty()) {
            std::tie(ec, n) = co_await asio::async_write(socket, asio::buffer(canned), use_nothrow);
            if (ec || target.find("/until-close") != target.npos) break;
        } else {
            http::response<http::string_body> res{http::status::ok, req.version()};
            res.set(http::field::content_type, "text/plain");
            res.set("X-Upstream", "1");
            res.body() = std::string(req.method_string()) + " " + std::string(target) + "\n" + req.body();
            res.keep_alive(parser.keep_alive());
            res.prepare_payload();
            std::tie(ec, n) = co_await http::async_write(socket, res, use_nothrow);
            if (ec) break;
        }
        if (!parser.keep_alive()) break;
    }
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    socket.close(ignored);
}

awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor) {
    for (;;) {
        auto [ec, socket] = co_await acceptor->async_accept(use_nothrow);
        if (ec) co_return;
        asio::co_spawn(acceptor->get_executor(), answer(std::move(socket)), asio::detached);
    }
}

} // namespace

unsigned short start_upstream_stub(asio::io_context& io) {
    auto acceptor = std::make_shared<tcp::acceptor>(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    asio::co_spawn(io, accept_loop(acceptor), asio::detached);
    return acceptor->local_endpoint().port();
}

} // namespace fuzz
