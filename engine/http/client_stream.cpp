#include "http/client_stream.hpp"

namespace proxflow {

awaitable<void> ClientStream::close() {
    error_code ec;
    if (tls_) {
        // Waiting for the peer's close_notify is bounded: many clients just drop the connection.
        tcp_.expires_after(std::chrono::milliseconds(500));
        co_await tls_->async_shutdown(use_nothrow);
    }
    tcp_.expires_after(std::chrono::seconds(1));
    tcp_.socket().shutdown(tcp::socket::shutdown_send, ec);
}

} // namespace proxflow
