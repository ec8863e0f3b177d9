#include "tls/acme/jws.hpp"

#include <QtTest>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>

using namespace proxflow::tls::acme;

namespace {

// A fixed P-256 key; the expected JWK, thumbprint and EAB signature were computed independently
// with python3-cryptography (see the commit that added this test).
constexpr const char* key_pem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgxPQRSTT4KLSDSAgv
fhihQYEth2rmpwyAXcREetp+niWhRANCAAQC67KYLlZA8m/iELvfQCYutyhv5Wt1
2trt1/4W2VphPzaYBkCoNMFAmY/NlCa8sworCHqlj7YGY501KSQQsngJ
-----END PRIVATE KEY-----
)";

constexpr const char* expected_jwk =
    "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"AuuymC5WQPJv4hC730AmLrcob-Vrddra7df-FtlaYT8\","
    "\"y\":\"NpgGQKg0wUCZj82UJryzCisIeqWPtgZjnTUpJBCyeAk\"}";

// Checks an ES256 JWS signature (r||s) over data with the key's public half.
bool verifies(const AccountKey& key, const std::string& data, const std::string& raw_sig) {
    if (raw_sig.size() != 64) return false;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(raw_sig.data()), 32, nullptr),
                   BN_bin2bn(reinterpret_cast<const unsigned char*>(raw_sig.data()) + 32, 32, nullptr));
    unsigned char* der = nullptr;
    const int der_len = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.pkey()) == 1 &&
                    EVP_DigestVerify(ctx, der, static_cast<std::size_t>(der_len),
                                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    return ok;
}

} // namespace

class JwsTest : public QObject {
    Q_OBJECT
private slots:
    void base64url_has_no_padding_and_url_alphabet() {
        QCOMPARE(base64url(""), std::string(""));
        QCOMPARE(base64url("f"), std::string("Zg"));
        QCOMPARE(base64url("fo"), std::string("Zm8"));
        QCOMPARE(base64url("foo"), std::string("Zm9v"));
        QCOMPARE(base64url("\xfb\xff\xfe"), std::string("-__-"));
        QCOMPARE(base64url_decode("-__-"), std::string("\xfb\xff\xfe"));
        QCOMPARE(base64url_decode("Zm8="), std::string("fo"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, base64url_decode("Zm$v"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, base64url_decode("Z"));
    }

    void jwk_and_thumbprint_follow_rfc7638() {
        const auto key = AccountKey::from_pem(key_pem);
        QCOMPARE(key.jwk().dump(), std::string(expected_jwk));
        QCOMPARE(key.thumbprint(), std::string("cyIyCR08dIK6LNarOSUSEgejN-HHzKJIQgz4aarqARE"));
        QCOMPARE(key_authorization(key, "tok"), std::string("tok.cyIyCR08dIK6LNarOSUSEgejN-HHzKJIQgz4aarqARE"));
    }

    void account_key_survives_pem_and_refuses_other_curves() {
        const auto key = AccountKey::generate();
        QCOMPARE(AccountKey::from_pem(key.to_pem()).thumbprint(), key.thumbprint());
        EVP_PKEY* p384 = EVP_EC_gen("P-384");
        BIO* bio = BIO_new(BIO_s_mem());
        PEM_write_bio_PrivateKey(bio, p384, nullptr, nullptr, 0, nullptr, nullptr);
        char* data = nullptr;
        const long len = BIO_get_mem_data(bio, &data);
        const std::string pem(data, static_cast<std::size_t>(len));
        BIO_free(bio);
        EVP_PKEY_free(p384);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, AccountKey::from_pem(pem));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, AccountKey::from_pem("not a key"));
    }

    void request_with_kid_is_signed_es256_over_protected_and_payload() {
        const auto key = AccountKey::from_pem(key_pem);
        const auto jws = sign_request(key, "{\"a\":1}", "https://ca.test/order", "nonce-1", "https://ca.test/acct/7");
        const auto header = json::parse(base64url_decode(jws["protected"].get<std::string>()));
        QCOMPARE(header, (json{{"alg", "ES256"}, {"nonce", "nonce-1"}, {"url", "https://ca.test/order"}, {"kid", "https://ca.test/acct/7"}}));
        QCOMPARE(base64url_decode(jws["payload"].get<std::string>()), std::string("{\"a\":1}"));
        const std::string input = jws["protected"].get<std::string>() + "." + jws["payload"].get<std::string>();
        const std::string sig = base64url_decode(jws["signature"].get<std::string>());
        QVERIFY(verifies(key, input, sig));
        QVERIFY(!verifies(key, input + "x", sig));
    }

    void new_account_request_carries_the_jwk_and_post_as_get_an_empty_payload() {
        const auto key = AccountKey::from_pem(key_pem);
        const auto jws = sign_request(key, "", "https://ca.test/new-acct", "n", "");
        const auto header = json::parse(base64url_decode(jws["protected"].get<std::string>()));
        QVERIFY(!header.contains("kid"));
        QCOMPARE(header["jwk"], key.jwk());
        QCOMPARE(jws["payload"].get<std::string>(), std::string(""));
    }

    void external_account_binding_is_hmac_sha256_of_the_jwk() {
        const auto key = AccountKey::from_pem(key_pem);
        const auto eab = external_account_binding(key, "kid-1", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY",
                                                  "https://ca.test/new-acct");
        QCOMPARE(json::parse(base64url_decode(eab["protected"].get<std::string>())),
                 (json{{"alg", "HS256"}, {"kid", "kid-1"}, {"url", "https://ca.test/new-acct"}}));
        QCOMPARE(json::parse(base64url_decode(eab["payload"].get<std::string>())), key.jwk());
        QCOMPARE(eab["signature"].get<std::string>(), std::string("X0oMdvQ-AQf-8ZGBXpodCU2C8GeOP6QB5EjLxkkX3DQ"));
    }
};

QTEST_APPLESS_MAIN(JwsTest)
#include "jws_test.moc"
