#include "tls/acme/challenge_store.hpp"

#include <boost/algorithm/string/predicate.hpp>

#include <mutex>

namespace proxflow::tls::acme {
namespace {

std::string_view without_port(std::string_view host) {
    if (host.starts_with("[")) {
        const auto close = host.find(']');
        return close == std::string_view::npos ? host : host.substr(1, close - 1);
    }
    const auto colon = host.find(':');
    return colon == std::string_view::npos ? host : host.substr(0, colon);
}

} // namespace

void ChallengeStore::put_http(std::string domain, std::string token, std::string key_authorization) {
    std::unique_lock lock(mutex_);
    by_token_[std::move(token)] = Pending{std::move(domain), std::move(key_authorization)};
}

void ChallengeStore::remove_http(const std::string& token) {
    std::unique_lock lock(mutex_);
    by_token_.erase(token);
}

std::optional<std::string> ChallengeStore::http_answer(std::string_view host, std::string_view token) const {
    std::shared_lock lock(mutex_);
    auto it = by_token_.find(token);
    if (it == by_token_.end() || !boost::algorithm::iequals(without_port(host), it->second.domain)) return std::nullopt;
    return it->second.key_authorization;
}

void ChallengeStore::put_tls_alpn(std::string domain, std::shared_ptr<const Certificate> cert) {
    std::unique_lock lock(mutex_);
    tls_alpn_[std::move(domain)] = std::move(cert);
}

void ChallengeStore::remove_tls_alpn(const std::string& domain) {
    std::unique_lock lock(mutex_);
    tls_alpn_.erase(domain);
}

std::shared_ptr<const Certificate> ChallengeStore::tls_alpn_certificate(std::string_view server_name) const {
    std::shared_lock lock(mutex_);
    for (const auto& [domain, cert] : tls_alpn_)
        if (boost::algorithm::iequals(domain, server_name)) return cert;
    return nullptr;
}

ChallengeStore& ChallengeStore::shared() {
    static ChallengeStore store;
    return store;
}

} // namespace proxflow::tls::acme
