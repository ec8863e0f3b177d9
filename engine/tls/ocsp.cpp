#include "tls/ocsp.hpp"

#include "tls/pem.hpp"

#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include <memory>

namespace proxflow::tls {
namespace {

struct OcspFree {
    void operator()(OCSP_REQUEST* p) const { OCSP_REQUEST_free(p); }
    void operator()(OCSP_RESPONSE* p) const { OCSP_RESPONSE_free(p); }
    void operator()(OCSP_BASICRESP* p) const { OCSP_BASICRESP_free(p); }
    void operator()(OCSP_CERTID* p) const { OCSP_CERTID_free(p); }
    void operator()(X509_STORE* p) const { X509_STORE_free(p); }
    void operator()(STACK_OF(X509)* p) const { sk_X509_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, OcspFree>;

struct Parsed {
    Owned<OCSP_RESPONSE> response;
    Owned<OCSP_BASICRESP> basic;
};

Parsed parse(const std::string& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    Owned<OCSP_RESPONSE> response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!response) throw OcspError("not an OCSP response (" + openssl_error() + ")");
    const int status = OCSP_response_status(response.get());
    if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL)
        throw OcspError(std::string("the responder answered ") + OCSP_response_status_str(status));
    Owned<OCSP_BASICRESP> basic(OCSP_response_get1_basic(response.get()));
    if (!basic) throw OcspError("no basic OCSP response (" + openssl_error() + ")");
    return {std::move(response), std::move(basic)};
}

OcspStaple::Status status_of(int status) {
    switch (status) {
    case V_OCSP_CERTSTATUS_GOOD: return OcspStaple::Status::good;
    case V_OCSP_CERTSTATUS_REVOKED: return OcspStaple::Status::revoked;
    default: return OcspStaple::Status::unknown;
    }
}

OcspStaple staple_of(OCSP_SINGLERESP* single, std::string der) {
    ASN1_GENERALIZEDTIME *this_update = nullptr, *next_update = nullptr;
    OcspStaple staple;
    staple.status = status_of(OCSP_single_get0_status(single, nullptr, nullptr, &this_update, &next_update));
    if (this_update) staple.this_update = to_time_point(this_update);
    if (next_update) staple.next_update = to_time_point(next_update);
    staple.der = std::move(der);
    return staple;
}

} // namespace

std::chrono::system_clock::time_point OcspStaple::refresh_at() const {
    if (next_update.time_since_epoch().count() == 0) return this_update; // no nextUpdate: ask every time
    return this_update + (next_update - this_update) / 2;
}

bool OcspStaple::expired(std::chrono::system_clock::time_point now) const {
    return next_update.time_since_epoch().count() != 0 && now >= next_update;
}

std::string_view ocsp_status_name(OcspStaple::Status status) {
    switch (status) {
    case OcspStaple::Status::good: return "good";
    case OcspStaple::Status::revoked: return "revoked";
    case OcspStaple::Status::unknown: return "unknown";
    }
    return "unknown";
}

std::string ocsp_responder_url(X509* leaf) {
    STACK_OF(OPENSSL_STRING)* urls = X509_get1_ocsp(leaf);
    std::string url = sk_OPENSSL_STRING_num(urls) > 0 ? sk_OPENSSL_STRING_value(urls, 0) : "";
    X509_email_free(urls);
    return url;
}

std::string ocsp_request(X509* leaf, X509* issuer) {
    Owned<OCSP_REQUEST> request(OCSP_REQUEST_new());
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), leaf, issuer);
    if (!request || !id || !OCSP_request_add0_id(request.get(), id)) {
        OCSP_CERTID_free(id);
        throw OcspError("cannot make an OCSP request (" + openssl_error() + ")");
    }
    unsigned char* der = nullptr;
    const int n = i2d_OCSP_REQUEST(request.get(), &der);
    if (n <= 0) throw OcspError("cannot encode an OCSP request (" + openssl_error() + ")");
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return out;
}

OcspStaple parse_ocsp_response(std::string der, X509* leaf, X509* issuer) {
    auto parsed = parse(der);
    // The issuer is the only trust anchor: it signs, or it issued the responder's certificate.
    Owned<X509_STORE> store(X509_STORE_new());
    Owned<STACK_OF(X509)> issuers(sk_X509_new_null());
    X509_STORE_add_cert(store.get(), issuer);
    X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
    sk_X509_push(issuers.get(), issuer);
    if (OCSP_basic_verify(parsed.basic.get(), issuers.get(), store.get(), 0) != 1)
        throw OcspError("the OCSP response's signature does not verify (" + openssl_error() + ")");
    Owned<OCSP_CERTID> id(OCSP_cert_to_id(EVP_sha1(), leaf, issuer));
    // The responder may have answered with another digest in its CertID: match on the one it used.
    OCSP_SINGLERESP* single = nullptr;
    for (int i = 0; i < OCSP_resp_count(parsed.basic.get()) && !single; ++i) {
        OCSP_SINGLERESP* candidate = OCSP_resp_get0(parsed.basic.get(), i);
        const OCSP_CERTID* cid = OCSP_SINGLERESP_get0_id(candidate);
        ASN1_OBJECT* md = nullptr;
        OCSP_id_get0_info(nullptr, &md, nullptr, nullptr, const_cast<OCSP_CERTID*>(cid));
        Owned<OCSP_CERTID> mine(OCSP_cert_to_id(EVP_get_digestbyobj(md), leaf, issuer));
        if (mine && OCSP_id_cmp(mine.get(), cid) == 0) single = candidate;
    }
    if (!single) throw OcspError("the OCSP response is not about this certificate");
    return staple_of(single, std::move(der));
}

OcspStaple parse_ocsp_response(std::string der) {
    auto parsed = parse(der);
    if (OCSP_resp_count(parsed.basic.get()) < 1) throw OcspError("the OCSP response holds no answer");
    return staple_of(OCSP_resp_get0(parsed.basic.get(), 0), std::move(der));
}

} // namespace proxflow::tls
