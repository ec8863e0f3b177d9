// A CA's root and intermediate given as files (Caddy's `pki ca { root { cert, key } intermediate { … } }`):
// the engine signs with them as they are, and a pair it cannot use is an error at its JSON path.
#include "tls/local_ca.hpp"
#include "tls/pem.hpp"
#include "tls/pki_app.hpp"

#include <QtTest>

#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace proxflow;
using namespace proxflow::tls;
namespace fs = std::filesystem;

namespace {

struct Folder {
    fs::path path = fs::temp_directory_path() / ("proxflow-local-ca-test-" + std::to_string(::getpid()));
    Folder() { fs::create_directories(path); }
    ~Folder() { fs::remove_all(path); }
};

// A CA made in its own storage, whose files the tests then hand to another CA.
KeyPairFiles made_pair(const fs::path& storage, const std::string& which) {
    LocalCa{LocalCaConfig{}, Storage(storage)};
    const fs::path dir = storage / "pki" / "authorities" / "local";
    return {(dir / (which + ".crt")).string(), (dir / (which + ".key")).string()};
}

X509Ptr first_certificate(const std::string& file) { return std::move(certificates_from_pem(read_pem_file(file, file)).front()); }

std::string config_error(const json& pki, const fs::path& storage) {
    try {
        PkiApp::from_json(&pki, "apps.pki", Storage(storage));
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(accepted)";
}

} // namespace

class LocalCaTest : public QObject {
    Q_OBJECT
private slots:
    void a_given_root_signs_the_intermediate_the_ca_makes() {
        Folder f;
        const KeyPairFiles root = made_pair(f.path / "first", "root");
        LocalCaConfig config;
        config.root = root;
        LocalCa ca(config, Storage(f.path / "second"));
        const auto leaf = ca.sign({"a.example.com"}, std::chrono::hours(1), false);
        X509Ptr given = first_certificate(root.certificate);
        QCOMPARE(X509_verify(leaf->chain.front().get(), X509_get0_pubkey(given.get())), 1);
        // The given root is not copied into storage; only the intermediate made from it is kept there.
        QVERIFY(!fs::exists(f.path / "second" / "pki" / "authorities" / "local" / "root.crt"));
        QVERIFY(fs::exists(f.path / "second" / "pki" / "authorities" / "local" / "intermediate.crt"));
    }

    void a_given_intermediate_signs_leaves_and_is_not_replaced() {
        Folder f;
        LocalCaConfig config;
        config.root = made_pair(f.path / "first", "root");
        config.intermediate = made_pair(f.path / "first", "intermediate");
        LocalCa ca(config, Storage(f.path / "second"));
        ca.maintain();
        const auto leaf = ca.sign({"a.example.com"}, std::chrono::hours(1), false);
        X509Ptr given = first_certificate(config.intermediate->certificate);
        QCOMPARE(X509_cmp(leaf->chain.front().get(), given.get()), 0);
        QVERIFY(!fs::exists(f.path / "second" / "pki" / "authorities" / "local" / "intermediate.crt"));
    }

    void pairs_the_engine_cannot_use_are_errors_at_their_path() {
        Folder f;
        const KeyPairFiles root = made_pair(f.path / "first", "root");
        const KeyPairFiles inter = made_pair(f.path / "first", "intermediate");
        const auto pki = [](json pair) { return json{{"certificate_authorities", {{"local", {{"root", std::move(pair)}}}}}}; };
        QCOMPARE(config_error(pki({{"certificate", root.certificate}, {"private_key", root.private_key}}), f.path), std::string("(accepted)"));
        QCOMPARE(config_error(pki({{"certificate", root.certificate}, {"private_key", root.private_key}, {"format", "pem_file"}}), f.path),
                 std::string("(accepted)"));
        QVERIFY(config_error(pki({{"certificate", "/nonexistent.crt"}, {"private_key", root.private_key}}), f.path)
                    .starts_with("apps.pki.certificate_authorities.local.root: cannot read /nonexistent.crt"));
        QVERIFY(config_error(pki({{"certificate", root.certificate}, {"private_key", inter.private_key}}), f.path)
                    .starts_with("apps.pki.certificate_authorities.local.root: " + inter.private_key + ": not the key of"));
        QVERIFY(config_error(pki({{"certificate", root.certificate}, {"private_key", root.private_key}, {"format", "der"}}), f.path)
                    .starts_with("apps.pki.certificate_authorities.local.root.format: unsupported format: der"));
        QVERIFY(config_error(pki({{"private_key", root.private_key}}), f.path).starts_with("apps.pki.certificate_authorities.local.root.certificate: "));
    }
};

QTEST_GUILESS_MAIN(LocalCaTest)
#include "local_ca_test.moc"
