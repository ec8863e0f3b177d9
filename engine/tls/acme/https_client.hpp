#pragma once
// The client side of ACME and of the on-demand `ask`/get_certificate endpoints: one request per
// connection, HTTP or HTTPS (verified against the configured roots, or the system's), bounded by
// one timeout per request.
#include "http/beast.hpp"

#include <boost/asio/ssl.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace proxflow::tls::acme {

struct Url {
    bool tls = true;
    std::string host;   // without brackets
    std::string port;
    std::string target; // path and query, at least "/"
    // Throws std::invalid_argument for anything but http:// and https:// URLs with a host.
    static Url parse(const std::string& text);
};

struct FetchResponse {
    unsigned status = 0;
    http::fields headers;
    std::string body;
    std::string header(http::field name) const { return std::string(headers[name]); }
};

// A network or TLS failure; the message names the URL.
class FetchError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

class HttpsClient {
public:
    // trusted_root_files: PEM files of the roots to trust; empty: the system's default roots.
    // Throws std::runtime_error when a file cannot be read.
    HttpsClient(const std::vector<std::string>& trusted_root_files, std::chrono::nanoseconds timeout);

    awaitable<FetchResponse> fetch(http::verb method, const std::string& url, std::string body = {},
                                   std::string content_type = {}, std::string accept = {});

private:
    asio::ssl::context ssl_{asio::ssl::context::tls_client};
    std::chrono::nanoseconds timeout_;
};

} // namespace proxflow::tls::acme
