#include "tls/on_demand.hpp"

#include "config/ascii_lower.hpp"
#include "http/percent_escape.hpp"
#include "tls/acme/https_client.hpp"
#include "tls/pem.hpp"
#include "logging/log_line.hpp"

#include <algorithm>

namespace proxflow::tls {
namespace {

using namespace std::chrono_literals;

std::string with_query(const std::string& url, const std::string& query) {
    return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

} // namespace

awaitable<bool> OnDemandIssuance::ask_allows(const std::string& name) {
    if (config_.ask.empty()) co_return true;
    try {
        acme::HttpsClient http({}, 10s);
        const auto res = co_await http.fetch(http::verb::get, with_query(config_.ask, "domain=" + percent_escape(name)));
        if (res.status >= 200 && res.status < 300) co_return true;
        log_line("warn", "tls.on_demand", "certificate for the given name is not allowed",
                {{"server_name", name}, {"ask", config_.ask}, {"status", res.status}});
    } catch (const std::exception& e) {
        log_line("error", "tls.on_demand", "the ask endpoint could not be reached",
                {{"server_name", name}, {"ask", config_.ask}, {"error", e.what()}});
    }
    co_return false;
}

awaitable<std::shared_ptr<const Certificate>> OnDemandIssuance::from_managers(const std::string& name,
                                                                             const AutomationPolicy& policy) {
    for (const auto& base : policy.get_certificate_urls) {
        try {
            acme::HttpsClient http({}, 10s);
            const auto res = co_await http.fetch(http::verb::get, with_query(base, "server_name=" + percent_escape(name)));
            if (res.status == 204) continue; // this manager has none for the name
            if (res.status != 200) throw std::runtime_error("HTTP " + std::to_string(res.status));
            co_return make_certificate(certificates_from_pem(res.body), private_key_from_pem(res.body), "get_certificate");
        } catch (const std::exception& e) {
            log_line("error", "tls.handshake", "getting certificate from external certificate manager",
                    {{"sni", name}, {"url", base}, {"error", e.what()}});
        }
    }
    co_return nullptr;
}

awaitable<std::shared_ptr<const Certificate>> OnDemandIssuance::run(std::string name) {
    auto self = shared_from_this();
    const AutomationPolicy* policy = policy_for(policies_, name);
    if (!policy) co_return nullptr;
    if (!policy->get_certificate_urls.empty())
        if (auto cert = co_await from_managers(name, *policy)) co_return cert;
    if (!policy->on_demand) co_return nullptr;
    if (auto cert = cache_->find(name)) co_return cert;
    // A certificate in the storage is served without asking, as certmagic does.
    if (auto cert = co_await manager_->obtain_now(name, policy->plan(), false)) co_return cert;
    if (!co_await ask_allows(name)) co_return nullptr;
    if (!rate_.allow(std::chrono::steady_clock::now())) {
        log_line("warn", "tls.on_demand", "on-demand rate limit exceeded", {{"server_name", name}});
        co_return nullptr;
    }
    co_return co_await manager_->obtain_now(name, policy->plan(), true);
}

awaitable<std::shared_ptr<const Certificate>> OnDemandIssuance::obtain(std::string server_name) {
    // Runs on the background thread, where the manager's state lives; the handshake resumes on
    // its own worker when the answer is known.
    co_return co_await asio::co_spawn(background_, run(ascii_lower(std::move(server_name))), asio::use_awaitable);
}

} // namespace proxflow::tls
