#include "tls/client_hello.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <string_view>

namespace proxflow::tls {
namespace {

int on_client_hello(SSL* ssl, int*, void*) {
    auto* info = static_cast<ClientHelloInfo*>(SSL_get_app_data(ssl));
    const unsigned char* ext = nullptr;
    std::size_t len = 0;
    // The extension holds a 2-byte list length, then the length-prefixed list SSL_select_next_proto reads.
    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_application_layer_protocol_negotiation, &ext, &len) && len > 2) {
        static const unsigned char acme[] = "\x0a" "acme-tls/1";
        unsigned char* out = nullptr;
        unsigned char outlen = 0;
        info->offers_acme_tls = SSL_select_next_proto(&out, &outlen, acme, sizeof(acme) - 1, ext + 2,
                                                      static_cast<unsigned int>(len - 2)) == OPENSSL_NPN_NEGOTIATED;
    }
    return SSL_CLIENT_HELLO_SUCCESS;
}

// Called once the extensions are parsed, SNI or not: all we wanted, so the handshake stops here.
int on_server_name(SSL* ssl, int* alert, void*) {
    auto* info = static_cast<ClientHelloInfo*>(SSL_get_app_data(ssl));
    if (const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) info->server_name = name;
    std::transform(info->server_name.begin(), info->server_name.end(), info->server_name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    info->state = ClientHelloInfo::State::complete;
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

SSL_CTX* probe_context() {
    static SSL_CTX* ctx = [] {
        SSL_CTX* c = SSL_CTX_new(TLS_server_method());
        // Any version the real context might take must get as far as the extensions here.
        SSL_CTX_set_min_proto_version(c, TLS1_VERSION);
        SSL_CTX_set_client_hello_cb(c, on_client_hello, nullptr);
        SSL_CTX_set_tlsext_servername_callback(c, on_server_name);
        return c;
    }();
    return ctx;
}

} // namespace

ClientHelloInfo inspect_client_hello(const unsigned char* data, std::size_t size) {
    ClientHelloInfo info;
    SSL* ssl = SSL_new(probe_context());
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    BIO_write(in, data, static_cast<int>(size));
    SSL_set_bio(ssl, in, out);
    SSL_set_app_data(ssl, &info);
    SSL_set_accept_state(ssl);
    const int rc = SSL_do_handshake(ssl);
    if (info.state != ClientHelloInfo::State::complete) {
        const int err = SSL_get_error(ssl, rc);
        info.state = err == SSL_ERROR_WANT_READ ? ClientHelloInfo::State::incomplete : ClientHelloInfo::State::invalid;
    }
    SSL_free(ssl);
    ERR_clear_error();
    if (info.state == ClientHelloInfo::State::invalid && size >= 5) {
        const std::string_view head(reinterpret_cast<const char*>(data), 5);
        for (std::string_view method : {"GET /", "HEAD ", "POST ", "PUT /", "OPTIO"})
            if (head == method) info.plain_http = true;
    }
    return info;
}

} // namespace proxflow::tls
