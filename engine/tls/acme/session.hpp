#pragma once
// One conversation with an ACME server (RFC 8555 §7.1-7.2): its directory, a pool of replay
// nonces, and signed POSTs that retry on badNonce as the RFC asks clients to.
#include "tls/acme/https_client.hpp"
#include "tls/acme/jws.hpp"

#include <string>
#include <vector>

namespace proxflow::tls::acme {

struct Directory {
    std::string new_nonce, new_account, new_order;
    bool external_account_required = false;
};

struct Reply {
    unsigned status = 0;
    std::string location;
    std::string retry_after;
    json body;        // the parsed body when it is JSON, else null
    std::string raw;  // the body as sent (a certificate chain is PEM)
};

// An ACME problem document (RFC 8555 §6.7) or a protocol failure; type is the problem's URN, or
// empty when the server did not send one.
class AcmeError : public std::runtime_error {
public:
    AcmeError(std::string type, const std::string& message) : std::runtime_error(message), type_(std::move(type)) {}
    const std::string& type() const { return type_; }

private:
    std::string type_;
};

class Session {
public:
    Session(HttpsClient& http, std::string directory_url, AccountKey key)
        : http_(http), directory_url_(std::move(directory_url)), key_(std::move(key)) {}

    awaitable<Directory> directory();
    // payload "" is POST-as-GET. A 4xx/5xx answer throws AcmeError with the problem's type and detail.
    awaitable<Reply> post(const std::string& url, std::string payload, std::string accept = {});

    const AccountKey& key() const { return key_; }
    const std::string& directory_url() const { return directory_url_; }
    std::string account_url; // the kid of every request after newAccount

private:
    awaitable<std::string> take_nonce();
    void keep_nonce(const FetchResponse& res);

    HttpsClient& http_;
    std::string directory_url_;
    AccountKey key_;
    Directory directory_;
    bool have_directory_ = false;
    std::vector<std::string> nonces_;
};

} // namespace proxflow::tls::acme
