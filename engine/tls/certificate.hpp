#pragma once
// The contract between TLS serving (handshakes pick a certificate by SNI) and certificate
// management (files, the internal CA, ACME, on-demand issuance fill the cache).
#include "http/beast.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace proxflow::tls {

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

struct OcspStaple; // tls/ocsp.hpp

// One certificate with its private key, ready to serve. Immutable once in the cache, but for its
// OCSP staple, which the stapler refreshes while handshakes read it.
struct Certificate {
    std::vector<std::string> names;   // the subject alternative names it covers (DNS names, IPs as text)
    X509Ptr leaf;
    std::vector<X509Ptr> chain;       // intermediates, leaf's issuer first
    PkeyPtr key;
    std::chrono::system_clock::time_point not_before, not_after;
    std::string origin;               // "file", "pem", "internal", "acme:<directory>", … (admin API, logs)
    std::vector<std::string> tags;    // apps.tls.certificates.*.tags
    mutable std::atomic<std::shared_ptr<const OcspStaple>> ocsp_staple; // null: nothing to staple
};

// Every certificate the engine can serve, shared by all worker threads (reads are lock-light:
// handshakes only look up). A name matches exactly, then by one-label wildcard (*.example.com).
class CertificateCache {
public:
    void put(std::shared_ptr<const Certificate> cert);
    void remove_origin(std::string_view origin);
    std::shared_ptr<const Certificate> find(std::string_view server_name) const;
    std::vector<std::shared_ptr<const Certificate>> all() const;

private:
    struct State;
    std::shared_ptr<const State> state_;
    mutable std::mutex mutex_;
};

// Obtains a certificate while a handshake waits for it (on-demand TLS). The handshake learns the
// SNI before it starts, so it can wait here without blocking its worker thread.
class OnDemandSource {
public:
    virtual ~OnDemandSource() = default;
    // null: no certificate may be had for this name (the handshake fails with unrecognized_name).
    virtual awaitable<std::shared_ptr<const Certificate>> obtain(std::string server_name) = 0;
};

} // namespace proxflow::tls
