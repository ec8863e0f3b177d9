#include "tls/client_hello.hpp"
#include "tls/ocsp.hpp"
#include "tls/server_tls.hpp"

#include <openssl/ssl.h>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <sys/socket.h>

#include <array>

namespace proxflow::tls {
namespace {

using Clock = std::chrono::steady_clock;

// A ClientHello fits in one record (16 KiB) in practice; more than two is not one we serve.
constexpr std::size_t max_client_hello = 2 * (16384 + 5);

ClientHelloInfo invalid_hello() {
    ClientHelloInfo info;
    info.state = ClientHelloInfo::State::invalid;
    return info;
}

// Peeks at what has arrived until OpenSSL has seen the whole ClientHello, the deadline passes or
// the bytes are not TLS. Nothing is consumed: the real handshake reads the same bytes.
awaitable<ClientHelloInfo> peek_client_hello(tcp::socket& socket, Clock::time_point deadline) {
    using namespace asio::experimental::awaitable_operators;
    std::vector<unsigned char> data(max_client_hello);
    std::size_t seen = 0;
    asio::steady_timer timer(socket.get_executor());
    for (;;) {
        if (Clock::now() >= deadline) co_return invalid_hello();
        if (seen == 0) {
            // Nothing yet: wait until something can be read (or the deadline).
            timer.expires_at(deadline);
            auto which = co_await (socket.async_wait(tcp::socket::wait_read, use_nothrow) || timer.async_wait(use_nothrow));
            if (which.index() == 1 || std::get<0>(which) != std::tuple<error_code>{}) co_return invalid_hello();
        } else {
            // Part of it came: a peek cannot wait for more, so look again shortly.
            timer.expires_after(std::chrono::milliseconds(5));
            co_await timer.async_wait(use_nothrow);
        }
        const ssize_t n = ::recv(socket.native_handle(), data.data(), data.size(), MSG_PEEK | MSG_DONTWAIT);
        if (n == 0) co_return invalid_hello(); // closed
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            co_return invalid_hello();
        }
        if (static_cast<std::size_t>(n) == seen) continue;
        seen = static_cast<std::size_t>(n);
        auto info = inspect_client_hello(data.data(), seen);
        if (info.state != ClientHelloInfo::State::incomplete) co_return info;
        if (seen == data.size()) co_return invalid_hello();
    }
}

bool use_certificate(SSL* ssl, const Certificate& cert) {
    if (SSL_use_certificate(ssl, cert.leaf.get()) != 1 || SSL_use_PrivateKey(ssl, cert.key.get()) != 1) return false;
    for (const auto& c : cert.chain)
        if (SSL_add1_chain_cert(ssl, c.get()) != 1) return false;
    return true;
}

// OpenSSL sends it only to a client that asks (status_request); it frees its copy with the SSL.
void staple_ocsp(SSL* ssl, const Certificate& cert) {
    const auto staple = cert.ocsp_staple.load();
    if (!staple || staple->der.empty()) return;
    auto* copy = static_cast<unsigned char*>(OPENSSL_memdup(staple->der.data(), staple->der.size()));
    if (copy) SSL_set_tlsext_status_ocsp_resp(ssl, copy, static_cast<long>(staple->der.size()));
}

std::string version_name(int version) {
    switch (version) {
    case TLS1_3_VERSION: return "tls1.3";
    case TLS1_2_VERSION: return "tls1.2";
    default: return "unknown";
    }
}

} // namespace

const ConnectionPolicy* ServerTls::policy_for(std::string_view server_name) const {
    for (const auto& p : policies)
        if (p->matches(server_name)) return p.get();
    return nullptr;
}

awaitable<bool> accept_tls(ClientStream& stream, const ServerTls& tls, std::chrono::nanoseconds timeout) {
    const auto failed = [&tls] {
        if (tls.metrics) tls.metrics->tls_handshake_failures.fetch_add(1, std::memory_order_relaxed);
        return false;
    };
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
    const ClientHelloInfo hello = co_await peek_client_hello(stream.socket(), deadline);
    if (hello.plain_http) {
        // What Go's server answers to plain HTTP on a TLS port, so the mistake is plain to see.
        static constexpr std::string_view reply = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";
        stream.expires_after(std::chrono::seconds(5));
        co_await asio::async_write(stream.tcp_layer(), asio::buffer(reply), use_nothrow);
        // Unread bytes at close would reset the connection before the client reads the answer.
        char sink[4096];
        for (int i = 0; i < 16 && ::recv(stream.socket().native_handle(), sink, sizeof(sink), MSG_DONTWAIT) > 0; ++i) {}
        error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    if (hello.state != ClientHelloInfo::State::complete) co_return failed();

    const ConnectionPolicy* policy = tls.policy_for(hello.server_name);
    if (!policy) co_return failed();

    // certmagic's order without SNI: the policy's default_sni, then the address the client dialled.
    std::string name = hello.server_name;
    if (name.empty()) {
        error_code ec;
        name = policy->default_sni().empty() ? stream.socket().local_endpoint(ec).address().to_string() : policy->default_sni();
    }
    std::shared_ptr<const Certificate> cert;
    bool acme_challenge = false;
    if (hello.offers_acme_tls && tls.acme_tls_alpn) {
        cert = tls.acme_tls_alpn(name);
        acme_challenge = cert != nullptr;
    }
    if (!cert) cert = policy->select(*tls.cache, name);
    if (!cert && tls.on_demand && !hello.server_name.empty()) cert = co_await tls.on_demand->obtain(hello.server_name);

    auto& ssl_stream = stream.start_tls(policy->context());
    SSL* ssl = ssl_stream.native_handle();
    // Without a certificate the handshake still runs, so the client gets an unrecognized_name alert.
    if (cert && !use_certificate(ssl, *cert)) co_return failed();
    if (acme_challenge) select_acme_tls_alpn(ssl);
    else if (cert) staple_ocsp(ssl, *cert);
    if (Clock::now() >= deadline) co_return failed();
    stream.expires_after(deadline - Clock::now());
    auto [ec] = co_await ssl_stream.async_handshake(ssl::stream_base::server, use_nothrow);
    stream.expires_never();
    if (ec || !cert) co_return failed();

    auto& state = stream.tls_state;
    state.server_name = hello.server_name;
    state.version = version_name(SSL_version(ssl));
    state.cipher_suite = SSL_CIPHER_standard_name(SSL_get_current_cipher(ssl));
    const unsigned char* proto = nullptr;
    unsigned int proto_len = 0;
    SSL_get0_alpn_selected(ssl, &proto, &proto_len);
    state.proto.assign(reinterpret_cast<const char*>(proto), proto_len);
    state.client_certificate = SSL_get0_peer_certificate(ssl) != nullptr;
    co_return true;
}

} // namespace proxflow::tls
