#pragma once
// The Asio/Beast names the engine uses everywhere, in one place.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace proxflow {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

template <class T>
using awaitable = asio::awaitable<T>;
inline constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// Requests and responses are parsed with a buffer_body so that bodies stream through in pieces.
using Request = http::request<http::buffer_body>;
using RequestParser = http::request_parser<http::buffer_body>;
using Response = http::response<http::buffer_body>;
using ResponseParser = http::response_parser<http::buffer_body>;
} // namespace proxflow
