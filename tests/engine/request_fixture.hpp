#pragma once
// Builds a RequestContext around a parsed raw request, for tests of matchers, placeholders and
// policies that never touch a socket.
#include "http/request_context.hpp"
#include "module/thread_state.hpp"
#include "routing/server_runtime.hpp"

#include <stdexcept>
#include <string>

namespace proxflow::test {

struct RequestFixture {
    explicit RequestFixture(const std::string& raw, const std::string& remote_ip = "203.0.113.7") {
        parser.body_limit(boost::none);
        error_code ec;
        parser.put(asio::buffer(raw), ec);
        if (ec && ec != http::error::need_buffer && ec != http::error::need_more)
            throw std::runtime_error("bad test request: " + ec.message());
        ctx = std::make_unique<RequestContext>(parser, stream, buffer, thread_state, server,
                                               tcp::endpoint(asio::ip::make_address(remote_ip), 40000),
                                               tcp::endpoint(asio::ip::make_address("127.0.0.1"), 8080));
        ctx->original_uri = std::string(parser.get().target());
    }

    asio::io_context io;
    ClientStream stream{tcp::socket(io)};
    beast::flat_buffer buffer;
    ThreadStates thread_state;
    ServerRuntime server;
    RequestParser parser;
    std::unique_ptr<RequestContext> ctx;
};

} // namespace proxflow::test
