#include "tls/acme/order.hpp"

#include "tls/acme/tls_alpn_certificate.hpp"

#include <boost/asio/ip/address.hpp>

namespace proxflow::tls::acme {
namespace {

using clock = std::chrono::steady_clock;

std::string status_of(const Reply& reply) {
    return reply.body.is_object() ? reply.body.value("status", "") : "";
}

std::string problem_detail(const json& object) {
    if (!object.is_object() || !object.contains("error") || !object["error"].is_object()) return "";
    const auto& e = object["error"];
    return " (" + e.value("type", "") + ": " + e.value("detail", "") + ")";
}

// Waits as the server asks (Retry-After in seconds), at least 200 ms, at most 5 s.
awaitable<void> pause(const Reply& reply) {
    auto wait = std::chrono::milliseconds(500);
    try {
        if (!reply.retry_after.empty()) wait = std::chrono::seconds(std::stoi(reply.retry_after));
    } catch (const std::exception&) {}
    wait = std::clamp<std::chrono::milliseconds>(wait, std::chrono::milliseconds(200), std::chrono::seconds(5));
    asio::steady_timer timer(co_await asio::this_coro::executor, wait);
    co_await timer.async_wait(use_nothrow);
}

// Built outside coroutines: GCC 12 miscompiles braced lists of strings inside a co_await expression.
std::vector<std::string> pending_states() { return {"pending", "processing"}; }
std::vector<std::string> finalizing_states() { return {"ready", "processing"}; }

// POST-as-GET url until its status leaves the pending states or the deadline passes.
awaitable<Reply> poll(Session& session, const std::string& url, std::vector<std::string> waiting,
                      clock::time_point deadline) {
    for (;;) {
        Reply reply = co_await session.post(url, "");
        const std::string status = status_of(reply);
        if (std::find(waiting.begin(), waiting.end(), status) == waiting.end()) co_return reply;
        if (clock::now() >= deadline) throw AcmeError("", url + ": still " + status + " when the ACME timeout ran out");
        co_await pause(reply);
    }
}

awaitable<void> authorize(Session& session, const std::string& authz_url, ChallengeStore& challenges,
                          const ChallengeOptions& options, clock::time_point deadline) {
    const Reply authz = co_await session.post(authz_url, "");
    if (status_of(authz) == "valid") co_return;
    const std::string domain = authz.body["identifier"].value("value", "");
    const json* http01 = nullptr;
    const json* alpn01 = nullptr;
    if (authz.body.contains("challenges") && authz.body["challenges"].is_array())
        for (const auto& c : authz.body["challenges"]) {
            if (options.http && c.value("type", "") == "http-01") http01 = &c;
            if (options.tls_alpn && c.value("type", "") == "tls-alpn-01") alpn01 = &c;
        }
    const json* chosen = http01 ? http01 : alpn01;
    if (!chosen)
        throw AcmeError("", "no challenge ProxFlow can answer (http-01, tls-alpn-01, unless disabled) was offered for " + domain);
    const std::string token = chosen->value("token", "");
    const std::string challenge_url = chosen->value("url", "");
    // A token is put in a URL path and a lookup key: only the base64url alphabet is valid (RFC 8555 §8.1).
    if (token.empty() || token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
                             std::string::npos)
        throw AcmeError("", "the CA sent an invalid challenge token for " + domain);
    const std::string key_auth = key_authorization(session.key(), token);
    const bool use_http = chosen == http01;
    if (use_http) challenges.put_http(domain, token, key_auth);
    else challenges.put_tls_alpn(domain, make_tls_alpn_certificate(domain, key_auth));
    struct Cleanup {
        ChallengeStore& store;
        bool http;
        std::string token, domain;
        ~Cleanup() {
            if (http) store.remove_http(token);
            else store.remove_tls_alpn(domain);
        }
    } cleanup{challenges, use_http, token, domain};
    co_await session.post(challenge_url, "{}");
    const Reply done = co_await poll(session, authz_url, pending_states(), deadline);
    if (status_of(done) != "valid") {
        std::string detail;
        if (done.body.contains("challenges"))
            for (const auto& c : done.body["challenges"])
                if (c.value("url", "") == challenge_url) detail = problem_detail(c);
        throw AcmeError("urn:ietf:params:acme:error:unauthorized",
                        "authorization for " + domain + " is " + status_of(done) + detail);
    }
}

json identifier(const std::string& name) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(name, ec);
    return {{"type", ec ? "dns" : "ip"}, {"value", name}};
}

} // namespace

awaitable<std::string> order_certificate(Session& session, const std::vector<std::string>& names,
                                         const std::string& csr_der, ChallengeStore& challenges,
                                         const ChallengeOptions& options, std::chrono::nanoseconds limit) {
    const auto deadline = clock::now() + std::chrono::duration_cast<clock::duration>(limit);
    const Directory dir = co_await session.directory();
    json ids = json::array();
    for (const auto& name : names) ids.push_back(identifier(name));
    const std::string new_order = json{{"identifiers", ids}}.dump();
    Reply order = co_await session.post(dir.new_order, new_order);
    const std::string order_url = order.location;
    if (order_url.empty() || !order.body.is_object()) throw AcmeError("", "POST " + dir.new_order + ": no order");
    if (order.body.contains("authorizations"))
        for (const auto& authz : order.body["authorizations"])
            if (authz.is_string()) co_await authorize(session, authz.get<std::string>(), challenges, options, deadline);

    order = co_await poll(session, order_url, std::vector<std::string>(1, "pending"), deadline);
    if (status_of(order) == "ready") {
        const std::string finalize = order.body.value("finalize", "");
        const std::string csr = json{{"csr", base64url(csr_der)}}.dump();
        order = co_await session.post(finalize, csr);
        if (status_of(order) != "valid") order = co_await poll(session, order_url, finalizing_states(), deadline);
    }
    if (status_of(order) != "valid")
        throw AcmeError("", "order " + order_url + " is " + status_of(order) + problem_detail(order.body));
    const std::string cert_url = order.body.value("certificate", "");
    if (cert_url.empty()) throw AcmeError("", "order " + order_url + " is valid but has no certificate URL");
    const Reply cert = co_await session.post(cert_url, "", "application/pem-certificate-chain");
    if (cert.raw.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        throw AcmeError("", "GET " + cert_url + ": not a PEM certificate chain");
    co_return cert.raw;
}

} // namespace proxflow::tls::acme
