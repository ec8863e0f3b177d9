#include "tls/acme/https_client.hpp"

#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

namespace proxflow::tls::acme {
namespace {

constexpr std::uint64_t max_body = 8 << 20;

template <class Stream>
awaitable<FetchResponse> exchange(Stream& stream, http::request<http::string_body>& req, const std::string& url) {
    auto [wec, wn] = co_await http::async_write(stream, req, use_nothrow);
    if (wec) throw FetchError(url + ": " + wec.message());
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_body);
    // A HEAD answer has a Content-Length but no body.
    if (req.method() == http::verb::head) parser.skip(true);
    auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_nothrow);
    if (rec) throw FetchError(url + ": " + rec.message());
    auto res = parser.release();
    FetchResponse out;
    out.status = res.result_int();
    for (const auto& field : res.base()) out.headers.insert(field.name_string(), field.value());
    out.body = std::move(res.body());
    co_return out;
}

} // namespace

Url Url::parse(const std::string& text) {
    Url url;
    std::string_view rest(text);
    if (rest.starts_with("https://")) rest.remove_prefix(8);
    else if (rest.starts_with("http://")) {
        rest.remove_prefix(7);
        url.tls = false;
    } else
        throw std::invalid_argument("not an http:// or https:// URL: " + text);
    const auto slash = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, slash);
    url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (url.target.front() == '?') url.target.insert(0, "/");
    if (authority.find('@') != std::string_view::npos) throw std::invalid_argument("user info in URL: " + text);
    std::string_view port;
    if (authority.starts_with("[")) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) throw std::invalid_argument("bad IPv6 host in URL: " + text);
        url.host = std::string(authority.substr(1, close - 1));
        const auto after = authority.substr(close + 1);
        if (after.starts_with(":")) port = after.substr(1);
        else if (!after.empty()) throw std::invalid_argument("bad host in URL: " + text);
    } else {
        const auto colon = authority.rfind(':');
        url.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    }
    if (url.host.empty()) throw std::invalid_argument("no host in URL: " + text);
    url.port = port.empty() ? (url.tls ? "443" : "80") : std::string(port);
    return url;
}

HttpsClient::HttpsClient(const std::vector<std::string>& trusted_root_files, std::chrono::nanoseconds timeout)
    : timeout_(timeout) {
    ssl_.set_verify_mode(asio::ssl::verify_peer);
    if (trusted_root_files.empty()) {
        ssl_.set_default_verify_paths();
        return;
    }
    for (const auto& file : trusted_root_files) {
        error_code ec;
        ssl_.load_verify_file(file, ec);
        if (ec) throw std::runtime_error("cannot load trusted roots from " + file + ": " + ec.message());
    }
}

awaitable<FetchResponse> HttpsClient::fetch(http::verb method, const std::string& url_text, std::string body,
                                            std::string content_type, std::string accept) {
    Url url;
    try {
        url = Url::parse(url_text);
    } catch (const std::invalid_argument& e) {
        throw FetchError(e.what());
    }
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    auto [dec, endpoints] = co_await resolver.async_resolve(url.host, url.port, use_nothrow);
    if (dec) throw FetchError(url_text + ": cannot resolve " + url.host + ": " + dec.message());

    http::request<http::string_body> req{method, url.target, 11};
    req.set(http::field::host, url.host.find(':') != std::string::npos ? "[" + url.host + "]:" + url.port
                                                                       : url.host + ":" + url.port);
    req.set(http::field::user_agent, "ProxFlow");
    if (!accept.empty()) req.set(http::field::accept, accept);
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    if (method == http::verb::post || !body.empty()) {
        req.body() = std::move(body);
        req.prepare_payload();
    }

    if (!url.tls) {
        beast::tcp_stream stream(ex);
        stream.expires_after(timeout_);
        auto [cec, ep] = co_await stream.async_connect(endpoints, use_nothrow);
        if (cec) throw FetchError(url_text + ": " + cec.message());
        co_return co_await exchange(stream, req, url_text);
    }
    beast::ssl_stream<beast::tcp_stream> stream(ex, ssl_);
    beast::get_lowest_layer(stream).expires_after(timeout_);
    auto [cec, ep] = co_await beast::get_lowest_layer(stream).async_connect(endpoints, use_nothrow);
    if (cec) throw FetchError(url_text + ": " + cec.message());
    error_code ip_check;
    asio::ip::make_address(url.host, ip_check);
    // SNI only for names (RFC 6066); the certificate is checked against the name or the IP.
    if (ip_check) SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str());
    stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_nothrow);
    if (hec) throw FetchError(url_text + ": TLS handshake: " + hec.message());
    auto res = co_await exchange(stream, req, url_text);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(use_nothrow);
    co_return res;
}

} // namespace proxflow::tls::acme
