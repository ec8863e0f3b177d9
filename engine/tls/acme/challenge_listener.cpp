#include "tls/acme/challenge_listener.hpp"

#include "logging/log_line.hpp"

#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

namespace proxflow::tls::acme {
namespace {

constexpr auto exchange_timeout = std::chrono::seconds(10);
constexpr unsigned char acme_tls_alpn[] = "\x0a" "acme-tls/1";

awaitable<void> answer_http_01(tcp::socket socket, ChallengeStore& store) {
    beast::tcp_stream stream(std::move(socket));
    stream.expires_after(exchange_timeout);
    beast::flat_buffer buffer;
    http::request<http::empty_body> req;
    auto [rec, read] = co_await http::async_read(stream, buffer, req, use_nothrow);
    if (rec) co_return;
    http::response<http::string_body> res{http::status::not_found, req.version()};
    const std::string_view target(req.target().data(), req.target().size());
    if (req.method() == http::verb::get && target.starts_with(http_challenge_prefix)) {
        const std::string_view host(req[http::field::host].data(), req[http::field::host].size());
        if (auto answer = store.http_answer(host, target.substr(http_challenge_prefix.size()))) {
            res.result(http::status::ok);
            res.body() = std::move(*answer);
        }
    }
    res.set(http::field::content_type, "text/plain");
    res.set(http::field::server, "ProxFlow");
    res.keep_alive(false);
    res.prepare_payload();
    co_await http::async_write(stream, res, use_nothrow);
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// Only acme-tls/1 is spoken here (RFC 8737 §3: anything else is refused).
int select_acme_tls(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen, void*) {
    unsigned char* chosen = nullptr;
    if (SSL_select_next_proto(&chosen, outlen, acme_tls_alpn, sizeof(acme_tls_alpn) - 1, in, inlen) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

// The challenge certificate for the ClientHello's name; none pending: unrecognized_name.
int use_challenge_certificate(SSL* ssl, int* alert, void* arg) {
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    const auto cert = name ? static_cast<ChallengeStore*>(arg)->tls_alpn_certificate(name) : nullptr;
    if (!cert || SSL_use_certificate(ssl, cert->leaf.get()) != 1 || SSL_use_PrivateKey(ssl, cert->key.get()) != 1) {
        *alert = SSL_AD_UNRECOGNIZED_NAME;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    return SSL_TLSEXT_ERR_OK;
}

awaitable<void> answer_tls_alpn_01(tcp::socket socket, std::shared_ptr<asio::ssl::context> tls) {
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
    beast::get_lowest_layer(stream).expires_after(exchange_timeout);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_nothrow);
    if (!ec) co_await stream.async_shutdown(use_nothrow);
}

awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor, ChallengeListener::Kind kind, ChallengeStore& store,
                            std::shared_ptr<asio::ssl::context> tls) {
    while (acceptor->is_open()) {
        auto [ec, socket] = co_await acceptor->async_accept(use_nothrow);
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
        if (ec) continue;
        if (kind == ChallengeListener::Kind::http_01) asio::co_spawn(acceptor->get_executor(), answer_http_01(std::move(socket), store), asio::detached);
        else asio::co_spawn(acceptor->get_executor(), answer_tls_alpn_01(std::move(socket), tls), asio::detached);
    }
}

} // namespace

ChallengeListener::ChallengeListener(asio::any_io_executor executor, Kind kind, const std::string& host, unsigned port,
                                     ChallengeStore& store) {
    error_code ec;
    const auto address = host.empty() ? asio::ip::address(asio::ip::address_v6::any()) : asio::ip::make_address(host, ec);
    if (ec) throw std::runtime_error("challenges.bind_host: not an IP address: " + host);
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
    auto acceptor = std::make_shared<tcp::acceptor>(executor);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec && address.is_v6() && address.is_unspecified()) acceptor->set_option(asio::ip::v6_only(false), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    const std::string where = (host.empty() ? "*" : host) + ":" + std::to_string(port);
    const char* what = kind == Kind::http_01 ? "http-01" : "tls-alpn-01";
    if (ec == asio::error::address_in_use) {
        log_line("info", "tls.acme", "challenge port in use: its listener answers the challenge", {{"address", where}, {"challenge", what}});
        return;
    }
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + where + " for the " + what + " challenge: " + ec.message());
    if (kind == Kind::tls_alpn_01) {
        tls_ = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
        SSL_CTX* ctx = tls_->native_handle();
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
        SSL_CTX_set_alpn_select_cb(ctx, select_acme_tls, nullptr);
        SSL_CTX_set_tlsext_servername_callback(ctx, use_challenge_certificate);
        SSL_CTX_set_tlsext_servername_arg(ctx, &store);
    }
    acceptor_ = std::move(acceptor);
    log_line("info", "tls.acme", "serving challenges", {{"address", where}, {"challenge", what}});
    asio::co_spawn(executor, accept_loop(acceptor_, kind, store, tls_), asio::detached);
}

ChallengeListener::~ChallengeListener() {
    if (!acceptor_) return;
    // The accept loop runs on the same executor as the order that owns this listener.
    error_code ignored;
    acceptor_->close(ignored);
}

} // namespace proxflow::tls::acme
