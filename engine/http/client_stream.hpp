#pragma once
// The client side of a connection: plain TCP, or TLS over it once a handshake has been made.
// Reads and writes branch on a pointer instead of going through a virtual stream, so the plain
// path costs what a bare beast::tcp_stream costs (no allocation, no indirect call per read).
#include "http/beast.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <memory>
#include <string>

namespace proxflow {

namespace ssl = asio::ssl;

// What the handshake learnt, for {http.request.tls.*} placeholders and access logs.
struct TlsConnectionState {
    std::string server_name;
    std::string version;       // "tls1.3"
    std::string cipher_suite;  // OpenSSL's name
    std::string proto;         // the negotiated ALPN protocol
    bool client_certificate = false;
};

class ClientStream {
public:
    using executor_type = beast::tcp_stream::executor_type;
    using tls_stream_type = beast::ssl_stream<beast::tcp_stream&>;

    explicit ClientStream(tcp::socket socket) : tcp_(std::move(socket)) {}
    ClientStream(const ClientStream&) = delete;
    ClientStream& operator=(const ClientStream&) = delete;

    executor_type get_executor() noexcept { return tcp_.get_executor(); }
    beast::tcp_stream& tcp_layer() noexcept { return tcp_; }
    tcp::socket& socket() noexcept { return tcp_.socket(); }
    void expires_after(std::chrono::nanoseconds d) { tcp_.expires_after(d); }
    void expires_never() { tcp_.expires_never(); }

    // Puts TLS on the connection; the caller makes the handshake on the returned stream.
    tls_stream_type& start_tls(ssl::context& context) {
        tls_ = std::make_unique<tls_stream_type>(tcp_, context);
        return *tls_;
    }
    tls_stream_type* tls() noexcept { return tls_.get(); }
    bool is_tls() const noexcept { return tls_ != nullptr; }
    TlsConnectionState tls_state;

    template <class MutableBufferSequence, class ReadToken>
    auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token) {
        return asio::async_initiate<ReadToken, void(error_code, std::size_t)>(
            [this](auto handler, const MutableBufferSequence& b) {
                if (tls_) tls_->async_read_some(b, std::move(handler));
                else tcp_.async_read_some(b, std::move(handler));
            },
            token, buffers);
    }

    template <class ConstBufferSequence, class WriteToken>
    auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token) {
        return asio::async_initiate<WriteToken, void(error_code, std::size_t)>(
            [this](auto handler, const ConstBufferSequence& b) {
                if (tls_) tls_->async_write_some(b, std::move(handler));
                else tcp_.async_write_some(b, std::move(handler));
            },
            token, buffers);
    }

    // A read with no timer at all, for the keep-alive wait the worker's sweep bounds.
    template <class MutableBufferSequence>
    awaitable<std::tuple<error_code, std::size_t>> read_idle(const MutableBufferSequence& buffers) {
        if (!tls_) co_return co_await tcp_.socket().async_read_some(buffers, use_nothrow);
        tcp_.expires_never();
        co_return co_await tls_->async_read_some(buffers, use_nothrow);
    }

    // Ends the connection: TLS says close_notify (bounded by a short timer), then TCP's FIN.
    awaitable<void> close();

private:
    beast::tcp_stream tcp_;
    std::unique_ptr<tls_stream_type> tls_;
};

} // namespace proxflow
