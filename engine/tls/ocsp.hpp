#pragma once
// OCSP (RFC 6960) with OpenSSL's API: the responder a leaf names in its AIA, the request for it,
// and a response checked against the leaf and its issuer, ready to staple.
#include "tls/certificate.hpp"

#include <chrono>
#include <stdexcept>
#include <string>

namespace proxflow::tls {

struct OcspStaple {
    enum class Status { good, revoked, unknown };
    std::string der;  // the whole OCSPResponse, as stapled
    Status status = Status::unknown;
    std::chrono::system_clock::time_point this_update, next_update; // next_update: epoch when absent

    // certmagic's freshOCSP: halfway between thisUpdate and nextUpdate it is time to ask again.
    std::chrono::system_clock::time_point refresh_at() const;
    bool expired(std::chrono::system_clock::time_point now) const;
};

struct OcspError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The leaf's first OCSP responder URL (authorityInfoAccess); empty: none.
std::string ocsp_responder_url(X509* leaf);
// A DER OCSPRequest for the leaf (SHA-1 CertID, as Go's ocsp.CreateRequest makes it).
std::string ocsp_request(X509* leaf, X509* issuer);
// Parses a DER OCSPResponse for the leaf, its signature verified against the issuer (directly, or
// through a responder certificate the issuer delegated OCSP signing to). Throws OcspError.
OcspStaple parse_ocsp_response(std::string der, X509* leaf, X509* issuer);
// Parses without verifying, for the storage cleaner (which has no certificates at hand). Throws OcspError.
OcspStaple parse_ocsp_response(std::string der);

std::string_view ocsp_status_name(OcspStaple::Status status);

} // namespace proxflow::tls
