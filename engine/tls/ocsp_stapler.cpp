#include "tls/ocsp_stapler.hpp"

#include "tls/pem.hpp"
#include "logging/log_line.hpp"

#include <cstdio>

namespace proxflow::tls {
namespace {

using SystemClock = std::chrono::system_clock;

// New certificates (ACME, on demand) are looked for this often, so they do not wait a whole interval.
constexpr std::chrono::seconds new_certificate_poll{30};
// A failed fetch is tried again this soon when the interval is longer.
constexpr std::chrono::minutes retry_after_failure{1};
constexpr std::chrono::seconds fetch_timeout{10};

std::string fnv1a_hex(std::string_view data) {
    std::uint32_t h = 2166136261u;
    for (unsigned char c : data) h = (h ^ c) * 16777619u;
    char out[9];
    std::snprintf(out, sizeof(out), "%08x", h);
    return out;
}

} // namespace

OcspStapler::OcspStapler(std::shared_ptr<CertificateCache> cache, Storage storage, asio::io_context& background,
                         std::function<bool(const Certificate&)> stapling_disabled)
    : PeriodicTask(background), cache_(std::move(cache)), storage_(std::move(storage)),
      stapling_disabled_(std::move(stapling_disabled)), client_({}, fetch_timeout) {}

std::string OcspStapler::storage_key(const Certificate& cert) {
    std::string bundle = to_pem(cert.leaf.get());
    for (const auto& c : cert.chain) bundle += to_pem(c.get());
    return "ocsp/" + (cert.names.empty() ? std::string() : Storage::safe_key(cert.names.front()) + "-") + fnv1a_hex(bundle);
}

// Stapling needs the responder's address and the issuer (to ask about the leaf and check the answer).
bool OcspStapler::wants_staple(const Certificate& cert) const {
    return !cert.chain.empty() && SystemClock::now() < cert.not_after && !stapling_disabled_(cert) &&
           !ocsp_responder_url(cert.leaf.get()).empty();
}

void OcspStapler::staple(const Certificate& cert, OcspStaple staple) const {
    // certmagic's rule: a good answer valid past the certificate's end is bogus, and not served.
    if (staple.status == OcspStaple::Status::good && staple.next_update > cert.not_after)
        throw OcspError("the OCSP response is valid after the certificate expires");
    if (staple.status == OcspStaple::Status::unknown) throw OcspError("the responder does not know the certificate");
    cert.ocsp_staple.store(std::make_shared<const OcspStaple>(std::move(staple)));
}

void OcspStapler::staple_from_storage() {
    const auto now = SystemClock::now();
    for (const auto& cert : cache_->all()) {
        if (!wants_staple(*cert) || cert->ocsp_staple.load()) continue;
        auto der = storage_.load(storage_key(*cert));
        if (!der) continue;
        try {
            auto stored = parse_ocsp_response(std::move(*der), cert->leaf.get(), cert->chain.front().get());
            if (now >= stored.refresh_at() && stored.next_update.time_since_epoch().count() != 0) continue;
            staple(*cert, std::move(stored));
            seen_[cert.get()] = Seen{cert, now, false};
        } catch (const OcspError&) {
            continue; // unusable: fetched anew
        }
    }
}

bool OcspStapler::due(const Certificate& cert, const Seen& seen, SystemClock::time_point now) const {
    if (seen.asked == SystemClock::time_point{}) return true;
    const auto every = seen.failed ? std::min<std::chrono::nanoseconds>(interval_, retry_after_failure) : interval_;
    if (now - seen.asked >= every) return true;
    // The halfway point of the answer we hold came since we last asked.
    const auto held = cert.ocsp_staple.load();
    return held && held->refresh_at() > seen.asked && held->refresh_at() <= now;
}

awaitable<void> OcspStapler::refresh(std::shared_ptr<const Certificate> cert, Seen& seen) {
    seen.asked = SystemClock::now();
    const std::string url = ocsp_responder_url(cert->leaf.get());
    const std::string name = cert->names.empty() ? std::string() : cert->names.front();
    std::string failure;
    try {
        auto res = co_await client_.fetch(http::verb::post, url, ocsp_request(cert->leaf.get(), cert->chain.front().get()),
                                          "application/ocsp-request", "application/ocsp-response");
        if (res.status != 200) throw OcspError(url + " answered " + std::to_string(res.status));
        auto answer = parse_ocsp_response(std::move(res.body), cert->leaf.get(), cert->chain.front().get());
        const auto status = answer.status;
        const std::string der = answer.der;
        staple(*cert, std::move(answer));
        storage_.store(storage_key(*cert), der);
        log_line(status == OcspStaple::Status::good ? "info" : "warn", "tls.ocsp", "stapled OCSP response",
                {{"identifier", name}, {"status", ocsp_status_name(status)}, {"responder", url}});
    } catch (const std::exception& e) {
        failure = e.what();
    }
    seen.failed = !failure.empty();
    if (seen.failed) log_line("error", "tls.ocsp", "checking OCSP", {{"identifier", name}, {"responder", url}, {"error", failure}});
}

awaitable<std::chrono::steady_clock::time_point> OcspStapler::round() {
    for (const auto& cert : cache_->all()) {
        if (stopped()) break;
        if (!wants_staple(*cert)) continue;
        auto& seen = seen_[cert.get()];
        if (seen.cert.lock() != cert) seen = Seen{cert};
        if (due(*cert, seen, SystemClock::now())) co_await refresh(cert, seen);
    }
    std::erase_if(seen_, [](const auto& entry) { return entry.second.cert.expired(); });
    co_return std::chrono::steady_clock::now() + std::min<std::chrono::nanoseconds>(interval_, new_certificate_poll);
}

} // namespace proxflow::tls
