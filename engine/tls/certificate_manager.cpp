#include "tls/certificate_manager.hpp"

#include "tls/pem.hpp"

#include <iostream>

namespace proxflow::tls {
namespace {

using Clock = std::chrono::system_clock;

// certmagic looks for renewals every 10 minutes; a shorter lifetime is looked at sooner.
constexpr std::chrono::seconds check_interval{600};

std::string folder(const Issuer& issuer, const std::string& name) {
    const auto safe = Storage::safe_key(name);
    return "certificates/" + issuer.storage_key() + "/" + safe + "/" + safe;
}

// Runs an issuer that needs no network to completion on this thread.
std::shared_ptr<Certificate> issue_now(Issuer& issuer, const std::string& name) {
    asio::io_context local;
    auto result = asio::co_spawn(local, issuer.issue({name}), asio::use_future);
    local.run();
    return result.get();
}

} // namespace

bool CertificateManager::due(const Managed& m) const {
    if (!m.current) return true;
    const auto lifetime = m.current->not_after - m.current->not_before;
    const auto window = std::chrono::duration_cast<Clock::duration>(lifetime * m.ratio);
    return Clock::now() >= m.current->not_after - window;
}

std::shared_ptr<Certificate> CertificateManager::load_stored(const Managed& m) const {
    const auto base = folder(*m.issuer, m.name);
    auto crt = storage_.load(base + ".crt");
    auto key = storage_.load(base + ".key");
    if (!crt || !key) return nullptr;
    try {
        auto cert = make_certificate(certificates_from_pem(*crt), private_key_from_pem(*key), "managed");
        if (std::find(cert->names.begin(), cert->names.end(), m.name) == cert->names.end()) return nullptr;
        return cert;
    } catch (const PemError&) {
        return nullptr; // unreadable: issue anew
    }
}

void CertificateManager::keep(Managed& m, std::shared_ptr<Certificate> cert) {
    cert->origin = "managed";
    cert->names = {m.name};
    const auto base = folder(*m.issuer, m.name);
    std::string chain = to_pem(cert->leaf.get());
    for (const auto& c : cert->chain) chain += to_pem(c.get());
    storage_.store(base + ".key", to_pem(cert->key.get()), true);
    storage_.store(base + ".crt", chain);
    const json meta{{"sans", json::array({m.name})}, {"issuer_key", m.issuer->storage_key()}};
    storage_.store(base + ".json", meta.dump(1));
    m.current = cert;
    cache_->put(std::move(cert));
}

void CertificateManager::manage(const std::string& name, std::shared_ptr<Issuer> issuer, double ratio, const std::string& path) {
    for (const auto& m : managed_)
        if (m.name == name) return;
    Managed m{name, std::move(issuer), ratio, nullptr};
    if (auto stored = load_stored(m)) {
        m.current = stored;
        if (!due(m)) cache_->put(std::move(stored));
        else m.current = nullptr;
    }
    if (!m.current && m.issuer->offline()) {
        try {
            keep(m, issue_now(*m.issuer, name));
        } catch (const std::exception& e) {
            throw ConfigError(path, "cannot obtain a certificate for " + name + ": " + e.what());
        }
    }
    managed_.push_back(std::move(m));
}

void CertificateManager::start() { asio::co_spawn(io_, run(shared_from_this()), asio::detached); }

void CertificateManager::stop() {
    stopped_ = true;
    asio::post(io_, [self = shared_from_this()] { self->timer_.cancel(); });
}

void CertificateManager::maintain_cas() {
    for (auto& ca : cas_) {
        try {
            ca->maintain();
        } catch (const std::exception& e) {
            std::cerr << "proxflow: renewing the intermediate of CA " << ca->config().id << ": " << e.what() << "\n";
        }
    }
}

void CertificateManager::report_failure(const std::string& name, const std::string& why) {
    // Served certificates stay; the next round tries again.
    std::cerr << "proxflow: renewing the certificate for " << name << ": " << why << "\n";
}

void CertificateManager::keep_renewed(Managed& m, std::shared_ptr<Certificate> cert) {
    try {
        keep(m, std::move(cert));
    } catch (const std::exception& e) {
        report_failure(m.name, e.what());
    }
}

std::chrono::steady_clock::time_point CertificateManager::next_check() const {
    auto next = std::chrono::steady_clock::now() + check_interval;
    for (const auto& m : managed_) {
        if (!m.current) continue;
        // Look again when this one's renewal window opens.
        const auto lifetime = m.current->not_after - m.current->not_before;
        const auto opens = m.current->not_after - std::chrono::duration_cast<Clock::duration>(lifetime * m.ratio);
        const auto wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(opens - Clock::now());
        next = std::min(next, std::chrono::steady_clock::now() + std::max<std::chrono::steady_clock::duration>(wait, std::chrono::seconds(1)));
    }
    return next;
}

awaitable<void> CertificateManager::run(std::shared_ptr<CertificateManager> self) {
    while (!self->stopped_) {
        self->maintain_cas();
        for (auto& m : self->managed_) {
            if (self->stopped_) co_return;
            if (!self->due(m)) continue;
            std::string failure;
            std::shared_ptr<Certificate> cert;
            // (No braced list inside a coroutine here: GCC 12 cannot put its array in the frame.)
            std::vector<std::string> names;
            names.push_back(m.name);
            try {
                cert = co_await m.issuer->issue(std::move(names));
            } catch (const std::exception& e) {
                failure = e.what();
            }
            if (cert) self->keep_renewed(m, std::move(cert));
            else self->report_failure(m.name, failure);
        }
        self->timer_.expires_at(self->next_check());
        co_await self->timer_.async_wait(use_nothrow);
    }
}

} // namespace proxflow::tls
