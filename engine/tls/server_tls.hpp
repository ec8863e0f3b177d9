#pragma once
// What a server that serves TLS needs at handshake time: its connection policies, the certificate
// cache, the on-demand source, and the hook that answers acme-tls/1 challenges.
#include "http/client_stream.hpp"
#include "metrics/server_metrics.hpp"
#include "tls/certificate.hpp"
#include "tls/connection_policy.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace proxflow::tls {

// The certificate that proves control of a name for an acme-tls/1 challenge (RFC 8737); null: none pending.
using AcmeTlsAlpnResponder = std::function<std::shared_ptr<const Certificate>(std::string_view server_name)>;

struct ServerTls {
    std::vector<std::unique_ptr<ConnectionPolicy>> policies;
    std::shared_ptr<CertificateCache> cache;
    std::shared_ptr<OnDemandSource> on_demand;   // null: no on-demand issuance
    AcmeTlsAlpnResponder acme_tls_alpn;          // empty until an ACME issuer answers tls-alpn-01
    std::shared_ptr<metrics::ServerMetrics> metrics; // where handshake failures are counted; null: nowhere

    // The first policy whose matchers take the server name (Caddy's order); null: none does.
    const ConnectionPolicy* policy_for(std::string_view server_name) const;
};

// Makes the TLS handshake on a fresh connection: learns the SNI from the ClientHello before the
// handshake, picks the policy and the certificate (waiting for on-demand issuance if there is
// one), then hands the connection to OpenSSL. False (and counted in the server's metrics) when it
// failed; the caller closes.
awaitable<bool> accept_tls(ClientStream& stream, const ServerTls& tls, std::chrono::nanoseconds timeout);

} // namespace proxflow::tls
