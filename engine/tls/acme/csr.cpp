#include "tls/acme/csr.hpp"

#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include <memory>
#include <stdexcept>

namespace proxflow::tls::acme {
namespace {
struct ReqFree {
    void operator()(X509_REQ* r) const { X509_REQ_free(r); }
};
struct ExtsFree {
    void operator()(STACK_OF(X509_EXTENSION) * s) const { sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free); }
};

bool is_ip(const std::string& name) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(name, ec);
    return !ec;
}
} // namespace

std::string make_csr(EVP_PKEY* key, const std::vector<std::string>& names) {
    if (names.empty()) throw std::runtime_error("a CSR needs at least one name");
    std::unique_ptr<X509_REQ, ReqFree> req(X509_REQ_new());
    X509_REQ_set_version(req.get(), 0);
    // A CN is limited to 64 bytes (RFC 5280); the SANs are what CAs check anyway.
    if (names.front().size() <= 64) {
        X509_NAME* subject = X509_REQ_get_subject_name(req.get());
        X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(names.front().c_str()), -1, -1, 0);
    }
    std::string san;
    for (const auto& name : names) {
        if (!san.empty()) san += ",";
        san += (is_ip(name) ? "IP:" : "DNS:") + name;
    }
    std::unique_ptr<STACK_OF(X509_EXTENSION), ExtsFree> exts(sk_X509_EXTENSION_new_null());
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str());
    if (!ext) throw std::runtime_error("OpenSSL refused the names " + san);
    sk_X509_EXTENSION_push(exts.get(), ext);
    if (X509_REQ_add_extensions(req.get(), exts.get()) != 1 || X509_REQ_set_pubkey(req.get(), key) != 1)
        throw std::runtime_error("cannot build the CSR");
    // Ed25519 signs without a separate digest.
    const EVP_MD* md = EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
    if (X509_REQ_sign(req.get(), key, md) <= 0) throw std::runtime_error("cannot sign the CSR");
    const int len = i2d_X509_REQ(req.get(), nullptr);
    std::string der(static_cast<std::size_t>(len), '\0');
    unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
    i2d_X509_REQ(req.get(), &p);
    return der;
}

} // namespace proxflow::tls::acme
