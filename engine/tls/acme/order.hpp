#pragma once
// One certificate order (RFC 8555 §7.4-7.5): new order, each authorization's challenge answered
// and polled, finalize with the CSR, and the chain downloaded as PEM.
#include "tls/acme/challenge_store.hpp"
#include "tls/acme/session.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace proxflow::tls::acme {

// Which challenges to answer; http-01 is preferred when both are offered.
struct ChallengeOptions {
    bool http = true;
    bool tls_alpn = true;
};

// The issued chain, leaf first, as the CA sent it (application/pem-certificate-chain).
// Throws AcmeError when the CA refuses or an authorization turns invalid; FetchError on I/O.
awaitable<std::string> order_certificate(Session& session, const std::vector<std::string>& names,
                                         const std::string& csr_der, ChallengeStore& challenges,
                                         const ChallengeOptions& options,
                                         std::chrono::nanoseconds limit = std::chrono::minutes(2));

} // namespace proxflow::tls::acme
