#include "tls/certificate_manager.hpp"

#include "tls/pem.hpp"
#include "logging/log_line.hpp"

namespace proxflow::tls {
namespace {

using Clock = std::chrono::system_clock;
using namespace std::chrono_literals;

// Caddy waits a minute before its first retry; a shorter start makes a CA that was down for a
// moment (or a test CA starting late) cost seconds, and the cap keeps a dead CA from being hammered.
constexpr std::chrono::seconds retry_intervals[] = {2s, 5s, 10s, 30s, 60s, 120s, 300s, 600s};

std::string folder(const Issuer& issuer, const std::string& name) {
    const auto safe = Storage::safe_key(name);
    return "certificates/" + issuer.storage_key() + "/" + safe + "/" + safe;
}

// Runs an issuer that needs no network to completion on this thread.
std::shared_ptr<Certificate> issue_now(Issuer& issuer, const std::string& name, KeyType key_type) {
    asio::io_context local;
    std::vector<std::string> names(1, name);
    auto result = asio::co_spawn(local, issuer.issue(std::move(names), key_type), asio::use_future);
    local.run();
    return result.get();
}

} // namespace

struct CertificateManager::Pending {
    explicit Pending(asio::io_context& io) : done(io, std::chrono::steady_clock::time_point::max()) {}
    asio::steady_timer done;
    bool finished = false;
};

bool CertificateManager::due(const Managed& m) const {
    if (!m.current) return true;
    const auto lifetime = m.current->not_after - m.current->not_before;
    const auto window = std::chrono::duration_cast<Clock::duration>(lifetime * m.plan.renewal_window_ratio);
    return Clock::now() >= m.current->not_after - window;
}

std::shared_ptr<Certificate> CertificateManager::load_stored(const Managed& m) const {
    for (const auto& issuer : m.plan.issuers) {
        const auto base = folder(*issuer, m.name);
        auto crt = storage_.load(base + ".crt");
        auto key = storage_.load(base + ".key");
        if (!crt || !key) continue;
        try {
            auto cert = make_certificate(certificates_from_pem(*crt), private_key_from_pem(*key), "managed");
            if (std::find(cert->names.begin(), cert->names.end(), m.name) == cert->names.end()) continue;
            return cert;
        } catch (const PemError&) {
            continue; // unreadable: issue anew
        }
    }
    return nullptr;
}

void CertificateManager::keep(Managed& m, std::shared_ptr<Certificate> cert) {
    cert->origin = "managed";
    cert->names = {m.name};
    m.current = cert;
    cache_->put(std::move(cert));
}

void CertificateManager::manage(const std::string& name, IssuancePlan plan, const std::string& path) {
    for (const auto& m : managed_)
        if (m.name == name) return;
    Managed m{name, std::move(plan), nullptr};
    if (auto stored = load_stored(m)) {
        m.current = stored;
        if (!due(m)) cache_->put(std::move(stored));
        else m.current = nullptr;
    }
    if (!m.current && !m.plan.issuers.empty() && m.plan.issuers.front()->offline()) {
        auto& issuer = *m.plan.issuers.front();
        try {
            auto cert = issue_now(issuer, name, m.plan.key_type);
            std::string chain = to_pem(cert->leaf.get());
            for (const auto& c : cert->chain) chain += to_pem(c.get());
            const auto base = folder(issuer, name);
            storage_.store(base + ".key", to_pem(cert->key.get()), true);
            storage_.store(base + ".crt", chain);
            storage_.store(base + ".json", json{{"sans", json::array({name})}, {"issuer_key", issuer.storage_key()}}.dump(1));
            keep(m, std::move(cert));
        } catch (const std::exception& e) {
            throw ConfigError(path, "cannot obtain a certificate for " + name + ": " + e.what());
        }
    }
    managed_.push_back(std::move(m));
}

// Tries the issuers in order (Caddy's habit) and keeps the first certificate; on failure sets
// the next retry. False when none could issue.
awaitable<bool> CertificateManager::obtain(Managed& m) {
    for (const auto& issuer : m.plan.issuers) {
        if (stopped()) co_return false;
        log_line("info", "tls.obtain", "obtaining certificate", {{"identifier", m.name}, {"issuer", issuer->storage_key()}});
        std::shared_ptr<Certificate> cert;
        std::string failure;
        // (No braced list inside a coroutine: GCC 12 cannot put its array in the frame.)
        std::vector<std::string> names(1, m.name);
        try {
            cert = co_await issuer->issue(std::move(names), m.plan.key_type);
            std::string chain = to_pem(cert->leaf.get());
            for (const auto& c : cert->chain) chain += to_pem(c.get());
            const auto base = folder(*issuer, m.name);
            // The key first and the certificate last: a reader that finds the .crt finds its key too.
            storage_.store(base + ".key", to_pem(cert->key.get()), true);
            storage_.store(base + ".json", json{{"sans", json::array({m.name})}, {"issuer_key", issuer->storage_key()}}.dump(1));
            storage_.store(base + ".crt", chain);
        } catch (const std::exception& e) {
            failure = e.what();
        }
        if (failure.empty()) {
            keep(m, std::move(cert));
            m.failures = 0;
            log_line("info", "tls.obtain", "certificate obtained successfully", {{"identifier", m.name}, {"issuer", issuer->storage_key()}});
            co_return true;
        }
        log_line("error", "tls.obtain", "could not get certificate from issuer",
                {{"identifier", m.name}, {"issuer", issuer->storage_key()}, {"error", failure}});
    }
    const auto wait = retry_intervals[std::min(m.failures, std::size(retry_intervals) - 1)];
    ++m.failures;
    m.retry_at = std::chrono::steady_clock::now() + wait;
    log_line("error", "tls.obtain", "will retry", {{"identifier", m.name}, {"attempt", m.failures}, {"retrying_in", wait.count()}});
    co_return false;
}

awaitable<void> CertificateManager::obtain_once(Managed& m) {
    if (auto it = pending_.find(m.name); it != pending_.end()) {
        auto pending = it->second;
        while (!pending->finished) co_await pending->done.async_wait(use_nothrow);
        co_return;
    }
    auto pending = std::make_shared<Pending>(io_);
    pending_[m.name] = pending;
    co_await obtain(m);
    pending->finished = true;
    pending->done.cancel();
    pending_.erase(m.name);
}

awaitable<std::shared_ptr<const Certificate>> CertificateManager::obtain_now(std::string name, IssuancePlan plan, bool may_issue) {
    auto self = shared_from_this();
    Managed* target = nullptr;
    for (auto& m : managed_)
        if (m.name == name) target = &m;
    if (!target) {
        managed_.push_back(Managed{name, std::move(plan), nullptr});
        target = &managed_.back();
        if (auto stored = load_stored(*target)) {
            target->current = stored;
            if (due(*target)) target->current = nullptr;
            else cache_->put(std::move(stored));
        }
    }
    if (may_issue && (!target->current || due(*target))) co_await obtain_once(*target);
    co_return target->current;
}


void CertificateManager::maintain_cas() {
    for (auto& ca : cas_) {
        try {
            ca->maintain();
        } catch (const std::exception& e) {
            log_line("error", "pki", "renewing the intermediate", {{"ca", ca->config().id}, {"error", e.what()}});
        }
    }
}

std::chrono::steady_clock::time_point CertificateManager::next_check() const {
    const auto now = std::chrono::steady_clock::now();
    auto next = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(check_interval_);
    for (const auto& m : managed_) {
        if (!m.current) {
            if (m.failures) next = std::min(next, std::max(m.retry_at, now + 1s));
            continue;
        }
        // Look again when this one's renewal window opens.
        const auto lifetime = m.current->not_after - m.current->not_before;
        const auto opens = m.current->not_after - std::chrono::duration_cast<Clock::duration>(lifetime * m.plan.renewal_window_ratio);
        const auto wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(opens - Clock::now());
        next = std::min(next, now + std::max<std::chrono::steady_clock::duration>(wait, 1s));
        if (m.failures) next = std::min(next, std::max(m.retry_at, now + 1s));
    }
    return next;
}

awaitable<std::chrono::steady_clock::time_point> CertificateManager::round() {
    maintain_cas();
    for (auto& m : managed_) {
        if (stopped()) break;
        if (!due(m) || pending_.contains(m.name)) continue;
        if (m.failures && std::chrono::steady_clock::now() < m.retry_at) continue;
        co_await obtain_once(m);
    }
    co_return next_check();
}

} // namespace proxflow::tls
