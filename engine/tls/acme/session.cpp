#include "tls/acme/session.hpp"

namespace proxflow::tls::acme {
namespace {

constexpr int bad_nonce_retries = 5;
constexpr std::string_view bad_nonce = "urn:ietf:params:acme:error:badNonce";

json parse_json(const std::string& body) {
    return json::parse(body, nullptr, /*allow_exceptions=*/false);
}

AcmeError problem(const std::string& what, const FetchResponse& res) {
    const json doc = parse_json(res.body);
    std::string type, detail;
    if (doc.is_object()) {
        if (doc.contains("type") && doc["type"].is_string()) type = doc["type"];
        if (doc.contains("detail") && doc["detail"].is_string()) detail = doc["detail"];
    }
    if (detail.empty()) detail = res.body.substr(0, 200);
    return AcmeError(type, what + ": HTTP " + std::to_string(res.status) + (type.empty() ? "" : " " + type) + ": " + detail);
}

std::string field(const json& object, const char* name) {
    if (!object.contains(name) || !object[name].is_string())
        throw AcmeError("", std::string("the ACME directory has no ") + name);
    return object[name].get<std::string>();
}

} // namespace

awaitable<Directory> Session::directory() {
    if (have_directory_) co_return directory_;
    const auto res = co_await http_.fetch(http::verb::get, directory_url_);
    if (res.status != 200) throw problem("GET " + directory_url_, res);
    const json doc = parse_json(res.body);
    if (!doc.is_object()) throw AcmeError("", "GET " + directory_url_ + ": not an ACME directory");
    directory_.new_nonce = field(doc, "newNonce");
    directory_.new_account = field(doc, "newAccount");
    directory_.new_order = field(doc, "newOrder");
    if (doc.contains("meta") && doc["meta"].is_object()) {
        const auto& meta = doc["meta"];
        directory_.external_account_required =
            meta.contains("externalAccountRequired") && meta["externalAccountRequired"].is_boolean() &&
            meta["externalAccountRequired"].get<bool>();
    }
    have_directory_ = true;
    co_return directory_;
}

void Session::keep_nonce(const FetchResponse& res) {
    auto it = res.headers.find("Replay-Nonce");
    if (it != res.headers.end() && !it->value().empty()) nonces_.emplace_back(it->value());
}

awaitable<std::string> Session::take_nonce() {
    if (nonces_.empty()) {
        const Directory dir = co_await directory();
        const auto res = co_await http_.fetch(http::verb::head, dir.new_nonce);
        keep_nonce(res);
        if (nonces_.empty()) throw AcmeError("", "HEAD " + dir.new_nonce + ": no Replay-Nonce");
    }
    std::string nonce = std::move(nonces_.back());
    nonces_.pop_back();
    co_return nonce;
}

awaitable<Reply> Session::post(const std::string& url, std::string payload, std::string accept) {
    for (int attempt = 0;; ++attempt) {
        const std::string nonce = co_await take_nonce();
        const json body = sign_request(key_, payload, url, nonce, account_url);
        const auto res = co_await http_.fetch(http::verb::post, url, body.dump(), "application/jose+json", accept);
        keep_nonce(res);
        if (res.status >= 400) {
            auto error = problem("POST " + url, res);
            if (error.type() == bad_nonce && attempt < bad_nonce_retries) continue;
            throw error;
        }
        Reply reply;
        reply.status = res.status;
        reply.location = res.header(http::field::location);
        reply.retry_after = res.header(http::field::retry_after);
        reply.raw = res.body;
        reply.body = parse_json(res.body);
        if (reply.body.is_discarded()) reply.body = nullptr;
        co_return reply;
    }
}

} // namespace proxflow::tls::acme
