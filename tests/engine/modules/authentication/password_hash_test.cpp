// The hashes basicauth checks passwords with (bcrypt through libxcrypt, scrypt through OpenSSL, with
// Caddy's defaults), the base64 Caddy's JSON wraps them in, and the cache of verdicts.
#include "modules/authentication/password_hash.hpp"
#include "modules/authentication/verdict_cache.hpp"

#include <QtTest>

using namespace proxflow;

namespace {

PasswordHash hash_of(const json& j) { return PasswordHash::from_json(&j, "hash"); }

} // namespace

class PasswordHashTest : public QObject {
    Q_OBJECT
private slots:
    void bcrypt_accepts_the_right_password_of_every_variant() {
        const PasswordHash bcrypt = PasswordHash::from_json(nullptr, "hash"); // Caddy's default
        // `caddy hash-password --plaintext hunter2` (2a, cost 14), and Python's crypt (2b, cost 4).
        QVERIFY(bcrypt.matches("$2a$14$NK0ahb/tOOOXgOKe6dDUY.PJ4nB2ORXdGsv0Mj69wmQ16uppmXPk.", "", "hunter2"));
        QVERIFY(bcrypt.matches("$2b$04$Mm5oW7AFB9arcAzIqYIkDOQNolPAABxlYxF8EXuITnF3Cdl.p6xZ2", "", "hunter2"));
        QVERIFY(bcrypt.matches("$2y$04$Mm5oW7AFB9arcAzIqYIkDOQNolPAABxlYxF8EXuITnF3Cdl.p6xZ2", "", "hunter2"));
        QVERIFY(!bcrypt.matches("$2b$04$Mm5oW7AFB9arcAzIqYIkDOQNolPAABxlYxF8EXuITnF3Cdl.p6xZ2", "", "hunter3"));
        QVERIFY(!bcrypt.matches("$2b$04$Mm5oW7AFB9arcAzIqYIkDOQNolPAABxlYxF8EXuITnF3Cdl.p6xZ2", "", std::string("hunter2\0x", 9)));
    }

    void a_hash_of_another_form_never_matches() {
        const PasswordHash bcrypt = hash_of({{"algorithm", "bcrypt"}});
        QVERIFY(!bcrypt.matches("hunter2", "", "hunter2"));
        QVERIFY(!bcrypt.matches("$1$abc$def", "", "hunter2"));   // MD5-crypt is not bcrypt
        QVERIFY(!bcrypt.matches("$2b$04$short", "", "hunter2"));
        QVERIFY(!bcrypt.matches("", "", ""));
    }

    void scrypt_uses_caddys_default_parameters_and_the_salt() {
        const PasswordHash scrypt = hash_of({{"algorithm", "scrypt"}});
        std::string key, salt;
        // Python's hashlib.scrypt(b"hunter2", salt=b"saltsalt", n=32768, r=8, p=1, dklen=32).
        QVERIFY(decode_base64("EbfH4JqdJUXvN2QEfFlDpgurBfPjTW8hQVRirrrTW0s=", key));
        QVERIFY(decode_base64("c2FsdHNhbHQ=", salt));
        QCOMPARE(salt, std::string("saltsalt"));
        QVERIFY(scrypt.matches(key, salt, "hunter2"));
        QVERIFY(!scrypt.matches(key, salt, "hunter3"));
        QVERIFY(!scrypt.matches(key, "pepper", "hunter2"));
        QVERIFY(!hash_of({{"algorithm", "scrypt"}, {"N", 1024}}).matches(key, salt, "hunter2"));
    }

    void unknown_algorithms_and_fields_are_refused_at_their_path() {
        const auto refused = [](const json& j, const std::string& where) {
            try {
                hash_of(j);
            } catch (const ConfigError& e) {
                return e.path() == where;
            }
            return false;
        };
        QVERIFY(refused({{"algorithm", "argon2id"}}, "hash.algorithm"));
        QVERIFY(refused({{"algorithm", "bcrypt"}, {"cost", 10}}, "hash.cost"));
        QVERIFY(refused({{"algorithm", "scrypt"}, {"N", 1000}}, "hash.N"));
    }

    void base64_is_gos_standard_encoding() {
        std::string out;
        QVERIFY(decode_base64("Ym9iOnNlY3JldA==", out));
        QCOMPARE(out, std::string("bob:secret"));
        QVERIFY(decode_base64("YWJj\r\nZA==", out)); // line breaks are skipped
        QCOMPARE(out, std::string("abcd"));
        QVERIFY(decode_base64("", out));
        QVERIFY(!decode_base64("Ym9iOnNlY3JldA", out));  // unpadded
        QVERIFY(!decode_base64("Ym9i_nNl", out));        // URL alphabet
        QVERIFY(!decode_base64("Ym==Ym9i", out));        // data after padding
        QVERIFY(!decode_base64("Y===", out));
    }

    void the_cache_remembers_verdicts_and_stays_bounded() {
        VerdictCache cache;
        const auto yes = VerdictCache::key_of("hash", "", "right"), no = VerdictCache::key_of("hash", "", "wrong");
        QVERIFY(!cache.find(yes));
        cache.store(yes, true);
        cache.store(no, false);
        QCOMPARE(cache.find(yes), std::optional<bool>(true));
        QCOMPARE(cache.find(no), std::optional<bool>(false));
        // The parts are length-prefixed: moving a byte from one to the next is another key.
        QVERIFY(VerdictCache::key_of("ab", "", "c") != VerdictCache::key_of("a", "", "bc"));
        for (int i = 0; i < 5000; ++i) cache.store(VerdictCache::key_of("h", "", std::to_string(i)), true);
        int kept = 0;
        for (int i = 0; i < 5000; ++i) kept += cache.find(VerdictCache::key_of("h", "", std::to_string(i))).has_value();
        QVERIFY(kept <= static_cast<int>(VerdictCache::capacity));
        QVERIFY(cache.find(VerdictCache::key_of("h", "", "4999")).has_value()); // the newest is kept
    }
};

QTEST_APPLESS_MAIN(PasswordHashTest)
#include "password_hash_test.moc"
