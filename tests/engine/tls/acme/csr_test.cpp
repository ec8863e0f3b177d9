#include "tls/acme/csr.hpp"
#include "tls/key_type.hpp"

#include <QtTest>

#include <openssl/x509v3.h>

using namespace proxflow::tls;
using namespace proxflow::tls::acme;

namespace {

struct ParsedCsr {
    std::vector<std::string> sans;
    std::string cn;
    bool signature_ok = false;
    int key_id = 0;
};

ParsedCsr parse(const std::string& der) {
    ParsedCsr out;
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    X509_REQ* req = d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size()));
    if (!req) return out;
    EVP_PKEY* pub = X509_REQ_get0_pubkey(req);
    out.signature_ok = X509_REQ_verify(req, pub) == 1;
    out.key_id = EVP_PKEY_get_base_id(pub);
    char cn[256] = {};
    if (X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req), NID_commonName, cn, sizeof(cn)) > 0) out.cn = cn;
    STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req);
    for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
        X509_EXTENSION* ext = sk_X509_EXTENSION_value(exts, i);
        if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_subject_alt_name) continue;
        auto* names = static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(ext));
        for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
            GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, j);
            if (gn->type == GEN_DNS)
                out.sans.push_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.dNSName))));
            else if (gn->type == GEN_IPADD)
                out.sans.push_back("IP:" + std::to_string(ASN1_STRING_length(gn->d.iPAddress)) + "bytes");
        }
        GENERAL_NAMES_free(names);
    }
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    X509_REQ_free(req);
    return out;
}

} // namespace

class CsrTest : public QObject {
    Q_OBJECT
private slots:
    void every_key_type_makes_a_signed_csr_with_all_names() {
        const std::pair<KeyType, int> kinds[] = {{KeyType::ed25519, EVP_PKEY_ED25519},
                                                 {KeyType::p256, EVP_PKEY_EC},
                                                 {KeyType::p384, EVP_PKEY_EC},
                                                 {KeyType::rsa2048, EVP_PKEY_RSA}};
        for (const auto& [type, id] : kinds) {
            auto key = generate_key(type);
            const auto csr = parse(make_csr(key.get(), {"a.test", "b.test", "127.0.0.1", "::1"}));
            QVERIFY2(csr.signature_ok, key_type_name(type).data());
            QCOMPARE(csr.key_id, id);
            QCOMPARE(csr.cn, std::string("a.test"));
            QCOMPARE(csr.sans, (std::vector<std::string>{"DNS:a.test", "DNS:b.test", "IP:4bytes", "IP:16bytes"}));
        }
    }

    void key_sizes_follow_the_key_type() {
        QCOMPARE(EVP_PKEY_get_bits(generate_key(KeyType::p384).get()), 384);
        QCOMPARE(EVP_PKEY_get_bits(generate_key(KeyType::rsa2048).get()), 2048);
        QCOMPARE(EVP_PKEY_get_bits(generate_key(KeyType::p256).get()), 256);
    }

    void key_type_names_read_back() {
        for (auto name : {"ed25519", "p256", "p384", "rsa2048", "rsa4096"})
            QCOMPARE(key_type_name(*parse_key_type(name)), std::string_view(name));
        QVERIFY(!parse_key_type("rsa8192"));
        QVERIFY(!parse_key_type("P256"));
    }

    void a_name_longer_than_a_cn_allows_is_only_a_san() {
        const std::string longname = std::string(70, 'a') + ".test";
        auto key = generate_key(KeyType::p256);
        const auto csr = parse(make_csr(key.get(), {longname}));
        QVERIFY(csr.signature_ok);
        QCOMPARE(csr.cn, std::string());
        QCOMPARE(csr.sans, std::vector<std::string>{"DNS:" + longname});
    }

    void no_names_is_refused() {
        auto key = generate_key(KeyType::p256);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, make_csr(key.get(), {}));
    }
};

QTEST_APPLESS_MAIN(CsrTest)
#include "csr_test.moc"
