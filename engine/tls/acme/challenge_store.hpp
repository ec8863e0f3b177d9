#pragma once
// The challenge answers ACME orders are waiting on, shared by every worker thread: the issuer puts
// an http-01 token's key authorization here, the HTTP listeners serve it before any route (as
// Caddy does); a tls-alpn-01 certificate is served to a ClientHello that offers acme-tls/1.
#include "tls/certificate.hpp"

#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace proxflow::tls::acme {

inline constexpr std::string_view http_challenge_prefix = "/.well-known/acme-challenge/";

class ChallengeStore {
public:
    void put_http(std::string domain, std::string token, std::string key_authorization);
    void remove_http(const std::string& token);
    // The key authorization for a GET of /.well-known/acme-challenge/<token> with this Host (port
    // allowed), or nothing when no order waits on that token for that name.
    std::optional<std::string> http_answer(std::string_view host, std::string_view token) const;

    void put_tls_alpn(std::string domain, std::shared_ptr<const Certificate> cert);
    void remove_tls_alpn(const std::string& domain);
    // null: no order waits on a tls-alpn-01 challenge for this name.
    std::shared_ptr<const Certificate> tls_alpn_certificate(std::string_view server_name) const;

    // One store per process, as certmagic keeps its active challenges: a reload in the middle of
    // an order must not lose the answer the CA is about to ask for.
    static ChallengeStore& shared();

private:
    struct Pending {
        std::string domain, key_authorization;
    };
    mutable std::shared_mutex mutex_;
    std::map<std::string, Pending, std::less<>> by_token_;
    std::map<std::string, std::shared_ptr<const Certificate>, std::less<>> tls_alpn_;
};

} // namespace proxflow::tls::acme
