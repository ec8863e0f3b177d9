#include "tls/acme/acme_issuer.hpp"

#include "tls/acme/challenge_listener.hpp"
#include "tls/acme/csr.hpp"
#include "tls/pem.hpp"

namespace proxflow::tls::acme {
namespace {

constexpr auto http_request_timeout = std::chrono::seconds(30);

unsigned port_field(ObjectReader& r, std::string_view key) {
    const auto port = r.integer(key);
    if (port < 0 || port > 65535) throw ConfigError(r.path_of(key), "not a port number");
    return static_cast<unsigned>(port);
}

void read_challenge(ObjectReader& challenges, std::string_view name, bool& enabled, unsigned& alternate_port) {
    const json* value = challenges.take(name);
    if (!value) return;
    ObjectReader c(*value, challenges.path_of(name));
    enabled = !c.boolean("disabled");
    alternate_port = port_field(c, "alternate_port");
    c.finish();
}

std::string user_prefix(const std::string& ca, const std::string& email) {
    std::string user = email.empty() ? "default" : email;
    return "acme/" + Storage::safe_key(acme_issuer_key(ca)) + "/users/" + Storage::safe_key(user) + "/";
}

std::string user_name(const std::string& email) {
    if (email.empty()) return "default";
    return Storage::safe_key(email.substr(0, email.find('@')));
}

} // namespace

AcmeIssuerConfig AcmeIssuerConfig::read(ObjectReader& r) {
    AcmeIssuerConfig c;
    c.ca = r.string("ca", c.ca);
    c.test_ca = r.string("test_ca");
    c.email = r.string("email");
    for (const auto* field : {"ca", "test_ca"}) {
        const std::string url = std::string_view(field) == "ca" ? c.ca : c.test_ca;
        if (url.empty() && std::string_view(field) == "test_ca") continue;
        try {
            Url::parse(url);
        } catch (const std::invalid_argument& e) {
            throw ConfigError(r.path_of(field), e.what());
        }
    }
    if (const json* eab = r.take("external_account")) {
        ObjectReader e(*eab, r.path_of("external_account"));
        c.external_account.key_id = e.string("key_id");
        c.external_account.mac_key = e.string("mac_key");
        if (c.external_account.key_id.empty()) throw ConfigError(e.path_of("key_id"), "an external account needs a key_id");
        try {
            if (base64url_decode(c.external_account.mac_key).empty()) throw std::invalid_argument("empty");
        } catch (const std::invalid_argument&) {
            throw ConfigError(e.path_of("mac_key"), "the MAC key must be base64url, as the CA gives it");
        }
        e.finish();
    }
    c.timeout = r.duration("acme_timeout", c.timeout);
    if (c.timeout.count() <= 0) c.timeout = std::chrono::minutes(2);
    c.trusted_roots_pem_files = r.strings("trusted_roots_pem_files");
    if (const json* challenges = r.take("challenges")) {
        ObjectReader ch(*challenges, r.path_of("challenges"));
        read_challenge(ch, "http", c.challenges.http, c.http_alternate_port);
        read_challenge(ch, "tls-alpn", c.challenges.tls_alpn, c.tls_alpn_alternate_port);
        if (ch.has("dns"))
            throw ConfigError(ch.path_of("dns"), "the dns-01 challenge is not supported by ProxFlow yet");
        c.bind_host = ch.string("bind_host");
        error_code bad_host;
        if (!c.bind_host.empty()) asio::ip::make_address(c.bind_host, bad_host);
        if (bad_host) throw ConfigError(ch.path_of("bind_host"), "not an IP address: " + c.bind_host);
        ch.finish();
        if (!c.challenges.http && !c.challenges.tls_alpn)
            throw ConfigError(ch.path(), "both http-01 and tls-alpn-01 are disabled: no challenge could be answered");
    }
    if (r.has("account_key"))
        throw ConfigError(r.path_of("account_key"), "account_key is not supported by ProxFlow yet (the account key is made and kept in the storage)");
    if (r.has("preferred_chains"))
        throw ConfigError(r.path_of("preferred_chains"), "preferred_chains is not supported by ProxFlow yet (the CA's default chain is used)");
    if (r.has("trusted_roots_pem_files") && c.trusted_roots_pem_files.empty())
        throw ConfigError(r.path_of("trusted_roots_pem_files"), "an empty list of trusted roots");
    return c;
}

std::string acme_issuer_key(const std::string& ca) {
    // url.Host in Go: the authority as written, port included.
    std::string_view rest(ca);
    const auto scheme = rest.find("://");
    if (scheme != std::string_view::npos) rest.remove_prefix(scheme + 3);
    const auto end = rest.find_first_of("/?#");
    std::string key(rest.substr(0, end));
    std::string path(end == std::string_view::npos || rest[end] != '/' ? "" : rest.substr(end, rest.find_first_of("?#") - end));
    for (char& ch : path)
        if (ch == '/' || ch == '\\') ch = '-';
    while (!path.empty() && path.front() == '-') path.erase(0, 1);
    while (!path.empty() && path.back() == '-') path.pop_back();
    if (!path.empty()) key += "-" + path;
    return key;
}

AcmeIssuer::AcmeIssuer(AcmeIssuerConfig config, Storage storage, ChallengeStore& challenges)
    : config_(std::move(config)), storage_(std::move(storage)), challenges_(challenges),
      http_(config_.trusted_roots_pem_files, http_request_timeout) {}

awaitable<void> AcmeIssuer::open_account(Session& session, const std::string& ca) {
    const std::string prefix = user_prefix(ca, config_.email);
    const std::string name = user_name(config_.email);
    if (const auto stored = storage_.load(prefix + name + ".json")) {
        const json reg = json::parse(*stored, nullptr, false);
        if (reg.is_object() && reg.contains("location") && reg["location"].is_string()) {
            session.account_url = reg["location"].get<std::string>();
            co_return;
        }
    }
    const ExternalAccount eab = co_await external_account();
    co_await register_account(session, config_.email, eab);
    json reg = {{"location", session.account_url}, {"contact", json::array()}};
    if (!config_.email.empty()) reg["contact"].push_back("mailto:" + config_.email);
    storage_.store(prefix + name + ".json", reg.dump(1, '\t'));
}

awaitable<std::string> AcmeIssuer::order_from(const std::string& ca, const std::vector<std::string>& names,
                                              const std::string& csr) {
    const std::string prefix = user_prefix(ca, config_.email);
    const std::string key_file = prefix + user_name(config_.email) + ".key";
    std::optional<AccountKey> key;
    if (const auto pem = storage_.load(key_file)) {
        try {
            key = AccountKey::from_pem(*pem);
        } catch (const std::invalid_argument&) {
            throw std::runtime_error("the account key in " + storage_.path_of(key_file).string() + " is not a P-256 key");
        }
    } else {
        key = AccountKey::generate();
        storage_.store(key_file, key->to_pem(), /*secret=*/true);
    }
    Session session(http_, ca, std::move(*key));
    co_await open_account(session, ca);
    try {
        co_return co_await order_certificate(session, names, csr, challenges_, config_.challenges, config_.timeout);
    } catch (const AcmeError& e) {
        // The CA forgot the account (a test CA restarted, or it was deactivated): register anew once.
        if (e.type() != "urn:ietf:params:acme:error:accountDoesNotExist") throw;
    }
    storage_.store(prefix + user_name(config_.email) + ".json", "{}");
    session.account_url.clear();
    co_await open_account(session, ca);
    co_return co_await order_certificate(session, names, csr, challenges_, config_.challenges, config_.timeout);
}

awaitable<std::shared_ptr<Certificate>> AcmeIssuer::issue(std::vector<std::string> names, KeyType key_type) {
    PkeyPtr key = generate_key(key_type);
    const std::string csr = make_csr(key.get(), names);
    // Listeners on the alternate ports live as long as the order that may need them.
    auto executor = co_await asio::this_coro::executor;
    std::optional<ChallengeListener> http_listener, tls_alpn_listener;
    if (config_.challenges.http && config_.http_alternate_port)
        http_listener.emplace(executor, ChallengeListener::Kind::http_01, config_.bind_host, config_.http_alternate_port, challenges_);
    if (config_.challenges.tls_alpn && config_.tls_alpn_alternate_port)
        tls_alpn_listener.emplace(executor, ChallengeListener::Kind::tls_alpn_01, config_.bind_host, config_.tls_alpn_alternate_port,
                                  challenges_);
    // After a failure the test CA is asked first: if it cannot issue either, the main CA is not
    // bothered (and its rate limits are spared), as certmagic does.
    if (last_failed_ && !config_.test_ca.empty()) co_await order_from(config_.test_ca, names, csr);
    std::string chain;
    try {
        chain = co_await order_from(config_.ca, names, csr);
    } catch (...) {
        last_failed_ = true;
        throw;
    }
    last_failed_ = false;
    co_return make_certificate(certificates_from_pem(chain), std::move(key), "acme:" + config_.ca);
}

} // namespace proxflow::tls::acme
