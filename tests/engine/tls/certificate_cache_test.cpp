#include "tls/certificate.hpp"
#include "tls/local_ca.hpp"

#include <QtTest>

#include <filesystem>

using namespace proxflow;
using namespace proxflow::tls;

namespace {
// Real certificates from a CA made in a temporary storage root.
struct Fixture {
    std::filesystem::path root = std::filesystem::temp_directory_path() / ("proxflow-cache-test-" + std::to_string(::getpid()));
    LocalCa ca{LocalCaConfig{}, Storage(root)};
    ~Fixture() { std::filesystem::remove_all(root); }
    std::shared_ptr<Certificate> cert(std::vector<std::string> names, std::string origin = "file") {
        auto c = ca.sign(names, std::chrono::hours(1), false);
        c->origin = std::move(origin);
        return c;
    }
};
} // namespace

class CertificateCacheTest : public QObject {
    Q_OBJECT
private slots:
    void finds_an_exact_name_case_insensitively() {
        Fixture f;
        CertificateCache cache;
        auto a = f.cert({"a.example.com"});
        cache.put(a);
        QCOMPARE(cache.find("a.example.com").get(), a.get());
        QCOMPARE(cache.find("A.Example.COM").get(), a.get());
    }

    void a_wildcard_covers_one_label_only() {
        Fixture f;
        CertificateCache cache;
        auto wild = f.cert({"*.example.com"});
        cache.put(wild);
        QCOMPARE(cache.find("x.example.com").get(), wild.get());
        QVERIFY(!cache.find("a.b.example.com"));
        QVERIFY(!cache.find("example.com"));
    }

    void an_exact_name_wins_over_a_wildcard() {
        Fixture f;
        CertificateCache cache;
        auto wild = f.cert({"*.example.com"});
        auto exact = f.cert({"x.example.com"});
        cache.put(wild);
        cache.put(exact);
        QCOMPARE(cache.find("x.example.com").get(), exact.get());
        QCOMPARE(cache.find("y.example.com").get(), wild.get());
    }

    void no_match_and_no_name_find_nothing() {
        Fixture f;
        CertificateCache cache;
        QVERIFY(!cache.find("a.example.com"));
        cache.put(f.cert({"a.example.com"}));
        QVERIFY(!cache.find("b.example.com"));
        QVERIFY(!cache.find(""));
    }

    void a_renewal_replaces_the_certificate_of_the_same_names_and_origin() {
        Fixture f;
        CertificateCache cache;
        cache.put(f.cert({"a.example.com"}, "managed"));
        auto renewed = f.cert({"a.example.com"}, "managed");
        cache.put(renewed);
        QCOMPARE(cache.all().size(), std::size_t(1));
        QCOMPARE(cache.find("a.example.com").get(), renewed.get());
    }

    void remove_origin_drops_only_that_origin() {
        Fixture f;
        CertificateCache cache;
        cache.put(f.cert({"a.example.com"}, "file"));
        cache.put(f.cert({"b.example.com"}, "pem"));
        cache.remove_origin("file");
        QVERIFY(!cache.find("a.example.com"));
        QVERIFY(cache.find("b.example.com"));
    }

    void ip_addresses_are_names_too() {
        Fixture f;
        CertificateCache cache;
        auto ip = f.cert({"127.0.0.1", "::1"});
        cache.put(ip);
        QCOMPARE(cache.find("127.0.0.1").get(), ip.get());
        QCOMPARE(cache.find("::1").get(), ip.get());
    }
};

QTEST_APPLESS_MAIN(CertificateCacheTest)
#include "certificate_cache_test.moc"
