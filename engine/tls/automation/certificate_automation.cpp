#include "tls/automation/certificate_automation.hpp"

#include "tls/acme/https_client.hpp"
#include "tls/certificate_storage.hpp"
#include "tls/pem.hpp"
#include "tls/tls_log.hpp"

#include <algorithm>

namespace proxflow::tls {
namespace {

using namespace std::chrono_literals;

// Caddy waits a minute before its first retry; a shorter start makes a CA that was down for a
// moment (or a test CA starting late) cost seconds, and the cap keeps a dead CA from being hammered.
constexpr std::chrono::seconds retry_intervals[] = {2s, 5s, 10s, 30s, 60s, 120s, 300s, 600s};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string query_escape(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string with_query(const std::string& url, const std::string& query) {
    return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

} // namespace

struct CertificateAutomation::Pending {
    explicit Pending(asio::io_context& io) : done(io, std::chrono::steady_clock::time_point::max()) {}
    asio::steady_timer done;
    bool finished = false;
    std::shared_ptr<const Certificate> result;
};

bool needs_renewal(const Certificate& cert, double ratio, std::chrono::system_clock::time_point now) {
    const auto lifetime = cert.not_after - cert.not_before;
    const auto window = std::chrono::duration_cast<std::chrono::system_clock::duration>(lifetime * ratio);
    return now >= cert.not_after - window;
}

CertificateAutomation::CertificateAutomation(AutomationConfig config, Storage storage, std::shared_ptr<CertificateCache> cache,
                                             asio::io_context& background, std::vector<std::string> managed_names)
    : config_(std::move(config)), storage_(std::move(storage)), cache_(std::move(cache)), background_(background),
      managed_(std::move(managed_names)), rate_(config_.on_demand.rate_interval, config_.on_demand.rate_burst) {}

bool CertificateAutomation::any_on_demand() const {
    return std::any_of(config_.policies.begin(), config_.policies.end(),
                       [](const AutomationPolicy& p) { return p.on_demand || !p.get_certificate_urls.empty(); });
}

void CertificateAutomation::start() {
    if (any_on_demand() && config_.on_demand.ask.empty())
        log_tls("warn", "tls", "on-demand TLS is enabled without an `ask` endpoint: anyone can make the engine request certificates for any name");
    auto self = shared_from_this();
    asio::post(background_, [self] {
        for (const auto& name : self->managed_)
            asio::co_spawn(self->background_, self->maintain(name), asio::detached);
    });
}

void CertificateAutomation::stop() {
    auto self = shared_from_this();
    asio::post(background_, [self] {
        self->stopped_ = true;
        for (auto* timer : self->sleeping_) timer->cancel();
    });
}

awaitable<bool> CertificateAutomation::sleep(std::chrono::nanoseconds d) {
    if (stopped_) co_return false;
    asio::steady_timer timer(background_, d);
    sleeping_.insert(&timer);
    co_await timer.async_wait(use_nothrow);
    sleeping_.erase(&timer);
    co_return !stopped_;
}

std::shared_ptr<const Certificate> CertificateAutomation::load_stored(const std::string& name, const AutomationPolicy& policy) const {
    const auto now = std::chrono::system_clock::now();
    for (const auto& issuer : policy.issuers) {
        auto cert = load_certificate(storage_, issuer->key(), name, "acme:" + issuer->key());
        if (cert && cert->not_after > now) return cert;
    }
    return nullptr;
}

awaitable<std::shared_ptr<const Certificate>> CertificateAutomation::issue(const std::string& name, const AutomationPolicy& policy) {
    for (const auto& issuer : policy.issuers) {
        log_tls("info", "tls.obtain", "obtaining certificate", {{"identifier", name}, {"issuer", issuer->key()}});
        try {
            const std::vector<std::string> names(1, name);
            IssuedCertificate issued = co_await issuer->issue(names, policy.key_type);
            auto cert = make_certificate(certificates_from_pem(issued.chain_pem), private_key_from_pem(issued.key_pem),
                                         "acme:" + issuer->key());
            save_certificate(storage_, issuer->key(), name, issued);
            log_tls("info", "tls.obtain", "certificate obtained successfully", {{"identifier", name}, {"issuer", issuer->key()}});
            co_return cert;
        } catch (const std::exception& e) {
            log_tls("error", "tls.obtain", "could not get certificate from issuer",
                    {{"identifier", name}, {"issuer", issuer->key()}, {"error", e.what()}});
        }
    }
    co_return nullptr;
}

awaitable<std::shared_ptr<const Certificate>> CertificateAutomation::load_or_issue(const std::string& name, bool force_issue) {
    // Another attempt for the same name (a handshake and the maintenance, or two handshakes) waits
    // for the one in progress instead of ordering twice.
    if (auto it = pending_.find(name); it != pending_.end()) {
        auto pending = it->second;
        while (!pending->finished) co_await pending->done.async_wait(use_nothrow);
        co_return pending->result;
    }
    auto pending = std::make_shared<Pending>(background_);
    pending_[name] = pending;
    const AutomationPolicy& policy = config_.policy_for(name);
    std::shared_ptr<const Certificate> cert = force_issue ? nullptr : load_stored(name, policy);
    if (cert && needs_renewal(*cert, policy.renewal_window_ratio, std::chrono::system_clock::now())) cert = nullptr;
    if (!cert) cert = co_await issue(name, policy);
    if (cert) cache_->put(cert);
    pending->result = cert;
    pending->finished = true;
    pending->done.cancel();
    pending_.erase(name);
    co_return cert;
}

awaitable<void> CertificateAutomation::maintain(std::string name) {
    auto self = shared_from_this(); // keeps this alive while the loop sleeps
    const AutomationPolicy& policy = config_.policy_for(name);
    std::size_t failures = 0;
    while (!stopped_) {
        const auto held = cache_->find(name);
        if (!held || needs_renewal(*held, policy.renewal_window_ratio, std::chrono::system_clock::now())) {
            // A held certificate that is due is renewed from the CA, not read back from the storage.
            const auto cert = co_await load_or_issue(name, /*force_issue=*/held != nullptr);
            if (!cert) {
                const auto wait = retry_intervals[std::min(failures, std::size(retry_intervals) - 1)];
                ++failures;
                log_tls("error", "tls.obtain", "will retry",
                        {{"identifier", name}, {"attempt", failures}, {"retrying_in", wait.count()}});
                if (!co_await sleep(wait)) break;
                continue;
            }
            failures = 0;
        }
        if (!co_await sleep(config_.renew_interval)) break;
    }
}

awaitable<bool> CertificateAutomation::ask_allows(const std::string& name) {
    if (config_.on_demand.ask.empty()) co_return true;
    const std::string url = with_query(config_.on_demand.ask, "domain=" + query_escape(name));
    try {
        acme::HttpsClient http({}, 10s);
        const auto res = co_await http.fetch(http::verb::get, url);
        if (res.status >= 200 && res.status < 300) co_return true;
        log_tls("warn", "tls.on_demand", "certificate for the given name is not allowed",
                {{"server_name", name}, {"ask", config_.on_demand.ask}, {"status", res.status}});
    } catch (const std::exception& e) {
        log_tls("error", "tls.on_demand", "the ask endpoint could not be reached",
                {{"server_name", name}, {"ask", config_.on_demand.ask}, {"error", e.what()}});
    }
    co_return false;
}

awaitable<std::shared_ptr<const Certificate>> CertificateAutomation::from_managers(const std::string& name,
                                                                                  const AutomationPolicy& policy) {
    for (const auto& base : policy.get_certificate_urls) {
        const std::string url = with_query(base, "server_name=" + query_escape(name));
        try {
            acme::HttpsClient http({}, 10s);
            const auto res = co_await http.fetch(http::verb::get, url);
            if (res.status == 204) continue;
            if (res.status != 200) throw std::runtime_error("HTTP " + std::to_string(res.status));
            co_return make_certificate(certificates_from_pem(res.body), private_key_from_pem(res.body), "get_certificate:" + base);
        } catch (const std::exception& e) {
            log_tls("error", "tls.handshake", "getting certificate from external certificate manager",
                    {{"sni", name}, {"url", base}, {"error", e.what()}});
        }
    }
    co_return nullptr;
}

awaitable<std::shared_ptr<const Certificate>> CertificateAutomation::on_demand(std::string name) {
    auto self = shared_from_this();
    if (stopped_) co_return nullptr;
    const AutomationPolicy& policy = config_.policy_for(name);
    if (!policy.get_certificate_urls.empty())
        if (auto cert = co_await from_managers(name, policy)) co_return cert;
    if (!policy.on_demand) co_return nullptr;
    if (auto cert = cache_->find(name)) co_return cert;
    if (auto cert = load_stored(name, policy)) {
        cache_->put(cert);
        co_return cert;
    }
    if (pending_.contains(name)) co_return co_await load_or_issue(name, false);
    if (!co_await ask_allows(name)) co_return nullptr;
    if (!rate_.allow(std::chrono::steady_clock::now())) {
        log_tls("warn", "tls.on_demand", "on-demand rate limit exceeded", {{"server_name", name}});
        co_return nullptr;
    }
    co_return co_await load_or_issue(name, false);
}

awaitable<std::shared_ptr<const Certificate>> CertificateAutomation::obtain(std::string server_name) {
    // Runs on the background thread, where every piece of state here lives; the handshake's
    // coroutine resumes on its own worker when the answer is known.
    co_return co_await asio::co_spawn(background_, on_demand(lower(std::move(server_name))), asio::use_awaitable);
}

} // namespace proxflow::tls
