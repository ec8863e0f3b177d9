#pragma once
// The http-01 answers an ACME order is waiting on, shared by every worker thread: the issuer puts
// a token's key authorization here, the HTTP listeners serve it before any route (as Caddy does).
#include <map>
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
    bool empty() const;

private:
    struct Pending {
        std::string domain, key_authorization;
    };
    mutable std::shared_mutex mutex_;
    std::map<std::string, Pending, std::less<>> by_token_;
};

} // namespace proxflow::tls::acme
