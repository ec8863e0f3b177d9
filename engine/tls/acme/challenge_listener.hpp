#pragma once
// A listener of the engine's own on a challenge's `alternate_port`, open while an order runs (the
// solvers certmagic starts): it answers http-01 requests or tls-alpn-01 handshakes from the
// challenge store and nothing else. When the port is taken already (a server of the config listens
// there, and answers challenges itself), nothing is opened, as certmagic assumes the same.
#include "http/beast.hpp"
#include "tls/acme/challenge_store.hpp"

#include <boost/asio/ssl.hpp>

#include <memory>
#include <string>

namespace proxflow::tls::acme {

class ChallengeListener {
public:
    enum class Kind { http_01, tls_alpn_01 };

    // host: challenges.bind_host; empty: every interface (Caddy's default). Throws
    // std::runtime_error when the port cannot be opened for another reason than being taken.
    ChallengeListener(asio::any_io_executor executor, Kind kind, const std::string& host, unsigned port, ChallengeStore& store);
    ~ChallengeListener();
    ChallengeListener(const ChallengeListener&) = delete;
    ChallengeListener& operator=(const ChallengeListener&) = delete;

    bool listening() const { return acceptor_ != nullptr; }

private:
    std::shared_ptr<tcp::acceptor> acceptor_; // null: another listener has the port
    std::shared_ptr<asio::ssl::context> tls_;   // tls-alpn-01 only
};

} // namespace proxflow::tls::acme
