#include "tls/certificate.hpp"

#include "config/ascii_lower.hpp"

#include <algorithm>
#include <map>

namespace proxflow::tls {

// Copy-on-write: a handshake takes the current map under the mutex only long enough to copy a
// shared_ptr, and writers (loading, renewals) build a new map beside it.
struct CertificateCache::State {
    std::multimap<std::string, std::shared_ptr<const Certificate>, std::less<>> by_name;
    std::vector<std::shared_ptr<const Certificate>> all;

    void add(std::shared_ptr<const Certificate> cert);

    // Among several certificates for one name, the one valid longest serves (a renewal replaces the old).
    std::shared_ptr<const Certificate> newest(std::string_view name) const {
        std::shared_ptr<const Certificate> best;
        auto [lo, hi] = by_name.equal_range(name);
        for (auto it = lo; it != hi; ++it)
            if (!best || it->second->not_after > best->not_after) best = it->second;
        return best;
    }
};

void CertificateCache::State::add(std::shared_ptr<const Certificate> cert) {
    for (const auto& name : cert->names) by_name.emplace(ascii_lower(name), cert);
    all.push_back(std::move(cert));
}

// A certificate with the same names and origin as one already held replaces it (a renewal).
void CertificateCache::put(std::shared_ptr<const Certificate> cert) {
    std::lock_guard lock(mutex_);
    auto next = std::make_shared<State>();
    if (state_)
        for (const auto& held : state_->all)
            if (held->origin != cert->origin || held->names != cert->names) next->add(held);
    next->add(std::move(cert));
    state_ = std::move(next);
}

void CertificateCache::remove_origin(std::string_view origin) {
    std::lock_guard lock(mutex_);
    if (!state_) return;
    auto next = std::make_shared<State>();
    for (const auto& cert : state_->all) {
        if (cert->origin == origin) continue;
        next->add(cert);
    }
    state_ = std::move(next);
}

std::shared_ptr<const Certificate> CertificateCache::find(std::string_view server_name) const {
    std::shared_ptr<const State> state;
    {
        std::lock_guard lock(mutex_);
        state = state_;
    }
    if (!state || server_name.empty()) return nullptr;
    const std::string name = ascii_lower(server_name);
    if (auto exact = state->newest(name)) return exact;
    // One-label wildcard: a.example.com is covered by *.example.com, not by *.com or *.a.example.com.
    const auto dot = name.find('.');
    if (dot == std::string::npos || dot == 0) return nullptr;
    return state->newest("*" + name.substr(dot));
}

std::vector<std::shared_ptr<const Certificate>> CertificateCache::all() const {
    std::lock_guard lock(mutex_);
    return state_ ? state_->all : std::vector<std::shared_ptr<const Certificate>>{};
}

} // namespace proxflow::tls
