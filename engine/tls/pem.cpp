#include "tls/pem.hpp"

#include "config/config_error.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <sstream>

namespace proxflow::tls {
namespace {

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

BioPtr read_bio(std::string_view data) { return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size()))); }

std::string drain(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

} // namespace

std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* t) {
    struct tm tm {};
    ASN1_TIME_to_tm(t, &tm);
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string read_pem_file(const std::string& file, const std::string& path) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ConfigError(path, "cannot read " + file);
    std::ostringstream data;
    data << in.rdbuf();
    return data.str();
}

std::string openssl_error() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (!code) return "unknown OpenSSL error";
    char text[256];
    ERR_error_string_n(code, text, sizeof(text));
    return text;
}

std::vector<X509Ptr> certificates_from_pem(std::string_view pem) {
    auto bio = read_bio(pem);
    std::vector<X509Ptr> out;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(cert);
    ERR_clear_error(); // the end of the input reads as an error
    if (out.empty()) throw PemError("no PEM certificate found");
    return out;
}

PkeyPtr private_key_from_pem(std::string_view pem) {
    auto bio = read_bio(pem);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (!key) throw PemError("no PEM private key found (" + openssl_error() + ")");
    return PkeyPtr(key);
}

X509Ptr certificate_from_der(std::string_view der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    if (!cert) throw PemError("not a DER certificate (" + openssl_error() + ")");
    return X509Ptr(cert);
}

std::string base64_decode(std::string_view text) {
    std::string clean;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
    if (clean.empty() || clean.size() % 4 != 0) throw PemError("not base64");
    std::string out(clean.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
    if (n < 0) throw PemError("not base64");
    // EVP_DecodeBlock counts padding as output bytes.
    std::size_t size = static_cast<std::size_t>(n);
    for (std::size_t i = clean.size(); i > 0 && clean[i - 1] == '='; --i) --size;
    out.resize(size);
    return out;
}

std::string to_pem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    return drain(bio.get());
}

std::string to_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    return drain(bio.get());
}

std::string to_der(X509* cert) {
    unsigned char* data = nullptr;
    const int n = i2d_X509(cert, &data);
    if (n <= 0) return {};
    std::string out(reinterpret_cast<char*>(data), static_cast<std::size_t>(n));
    OPENSSL_free(data);
    return out;
}

std::vector<std::string> certificate_names(X509* cert) {
    std::vector<std::string> names;
    auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (sans) {
        for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
            const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans, i);
            if (gn->type == GEN_DNS) {
                const auto* s = gn->d.dNSName;
                names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<std::size_t>(ASN1_STRING_length(s)));
            } else if (gn->type == GEN_IPADD) {
                const auto* s = gn->d.iPAddress;
                const int len = ASN1_STRING_length(s);
                const unsigned char* b = ASN1_STRING_get0_data(s);
                if (len == 4) {
                    names.push_back(asio::ip::address_v4({b[0], b[1], b[2], b[3]}).to_string());
                } else if (len == 16) {
                    asio::ip::address_v6::bytes_type bytes;
                    std::copy(b, b + 16, bytes.begin());
                    names.push_back(asio::ip::address_v6(bytes).to_string());
                }
            }
        }
        GENERAL_NAMES_free(sans);
    }
    if (names.empty()) {
        char cn[256] = {};
        if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn)) > 0) names.emplace_back(cn);
    }
    return names;
}

std::string serial_hex(X509* cert) {
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr);
    char* hex = BN_bn2hex(bn);
    std::string out(hex);
    OPENSSL_free(hex);
    BN_free(bn);
    return out;
}

std::shared_ptr<Certificate> make_certificate(std::vector<X509Ptr> chain, PkeyPtr key, std::string origin,
                                              std::vector<std::string> tags) {
    if (chain.empty()) throw PemError("no certificate");
    if (X509_check_private_key(chain.front().get(), key.get()) != 1) {
        ERR_clear_error();
        throw PemError("the private key does not belong to the certificate");
    }
    auto cert = std::make_shared<Certificate>();
    cert->names = certificate_names(chain.front().get());
    cert->not_before = to_time_point(X509_get0_notBefore(chain.front().get()));
    cert->not_after = to_time_point(X509_get0_notAfter(chain.front().get()));
    cert->leaf = std::move(chain.front());
    for (std::size_t i = 1; i < chain.size(); ++i) cert->chain.push_back(std::move(chain[i]));
    cert->key = std::move(key);
    cert->origin = std::move(origin);
    cert->tags = std::move(tags);
    return cert;
}

} // namespace proxflow::tls
