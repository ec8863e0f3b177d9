#include "tls/acme/tls_alpn_certificate.hpp"

#include "tls/key_type.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include <stdexcept>

namespace proxflow::tls::acme {

std::shared_ptr<Certificate> make_tls_alpn_certificate(const std::string& domain, const std::string& key_authorization) {
    auto cert = std::make_shared<Certificate>();
    cert->key = generate_key(KeyType::p256);
    cert->leaf.reset(X509_new());
    X509* x = cert->leaf.get();
    X509_set_version(x, 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof(serial));
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 7 * 24 * 3600);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("ACME challenge"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, cert->key.get());

    boost::system::error_code ec;
    boost::asio::ip::make_address(domain, ec);
    const std::string san = (ec ? "DNS:" : "IP:") + domain;
    X509_EXTENSION* san_ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str());
    if (!san_ext) throw std::runtime_error("cannot make a tls-alpn-01 certificate for " + domain);
    X509_add_ext(x, san_ext, -1);
    X509_EXTENSION_free(san_ext);

    // extnValue is the DER of an OCTET STRING holding the 32-byte digest.
    unsigned char der[2 + SHA256_DIGEST_LENGTH] = {0x04, SHA256_DIGEST_LENGTH};
    SHA256(reinterpret_cast<const unsigned char*>(key_authorization.data()), key_authorization.size(), der + 2);
    ASN1_OCTET_STRING* value = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(value, der, sizeof(der));
    ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1);
    X509_EXTENSION* acme_ext = X509_EXTENSION_create_by_OBJ(nullptr, oid, /*critical=*/1, value);
    X509_add_ext(x, acme_ext, -1);
    X509_EXTENSION_free(acme_ext);
    ASN1_OBJECT_free(oid);
    ASN1_OCTET_STRING_free(value);

    if (X509_sign(x, cert->key.get(), EVP_sha256()) <= 0) throw std::runtime_error("cannot sign a tls-alpn-01 certificate");
    cert->names = {domain};
    cert->not_before = std::chrono::system_clock::now() - std::chrono::hours(1);
    cert->not_after = std::chrono::system_clock::now() + std::chrono::hours(24 * 7);
    cert->origin = "acme:tls-alpn-01";
    return cert;
}

} // namespace proxflow::tls::acme
