// The file_server and root directives against what real Caddy 2.6.2 printed for the same Caddyfiles
// (golden/NAME.caddyfile beside golden/NAME.json, made by copying NAME.caddyfile to a folder as
// Caddyfile and running `caddy adapt --config Caddyfile` there, the shared corpus's convention, so
// `check-adapt DIR` reads the folder too), and the export of that JSON, which must adapt back to it.
#include "caddyfile/adapter.hpp"
#include "caddyfile/exporter.hpp"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

using nlohmann::json;
namespace cf = proxflow::caddyfile;
namespace fs = std::filesystem;

namespace {

const fs::path golden_dir = fs::path(__FILE__).parent_path() / "golden";

std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The adapt error for a one-site Caddyfile, or "" when it adapts.
QString adapt_error(const std::string& site_body) {
    try {
        cf::adapt(":8080 {\n" + site_body + "\n}\n", "Caddyfile");
    } catch (const cf::AdaptError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

class CaddyfileGoldenTest : public QObject {
    Q_OBJECT
private slots:
    void cases_data() {
        QTest::addColumn<QString>("name");
        int count = 0;
        for (const auto& entry : fs::directory_iterator(golden_dir))
            if (entry.path().extension() == ".caddyfile") {
                const std::string name = entry.path().stem().string();
                QTest::newRow(name.c_str()) << QString::fromStdString(name);
                ++count;
            }
        QVERIFY2(count >= 4, "the golden cases are missing");
    }

    void cases() {
        QFETCH(QString, name);
        const std::string file = "Caddyfile"; // the name Caddy read it under
        const json expected = json::parse(read(golden_dir / (name.toStdString() + ".json")));
        const json adapted = cf::adapt(read(golden_dir / (name.toStdString() + ".caddyfile")), file);
        QVERIFY2(adapted == expected, ("adapt differs from caddy:\n" + adapted.dump(2)).c_str());

        const std::string exported = cf::export_caddyfile(adapted).caddyfile;
        const json again = cf::adapt(exported, file);
        QVERIFY2(again == expected, ("the export does not adapt back:\n" + exported + "\n" + again.dump(2)).c_str());
    }

    void file_server_takes_only_browse_as_an_argument() {
        QVERIFY(adapt_error("file_server browse").isEmpty());
        QVERIFY(adapt_error("file_server listing").contains("Caddyfile:2: "));
        QVERIFY(adapt_error("file_server browse browse").contains("wrong argument count"));
    }

    void unknown_subdirectives_and_repeated_browse_are_errors_at_their_line() {
        QVERIFY(adapt_error("file_server {\n\tlisting\n}").contains("Caddyfile:3: file_server: unknown subdirective 'listing'"));
        QVERIFY(adapt_error("file_server browse {\n\tbrowse\n}").contains("browsing is already configured"));
        QVERIFY(adapt_error("file_server {\n\tprecompressed gzip lz4\n}").contains("http.precompressed.lz4"));
        QVERIFY(adapt_error("file_server {\n\tfs embedded\n}").contains("not supported by ProxFlow"));
    }

    void root_takes_exactly_one_path() {
        QVERIFY(adapt_error("root * /srv").isEmpty());
        QVERIFY(adapt_error("root * /srv /other").contains("wrong argument count"));
        QVERIFY(adapt_error("root *").contains("wrong argument count"));
    }

    void try_files_needs_files_and_a_known_policy() {
        QVERIFY(adapt_error("try_files {path} /index.html").isEmpty());
        QVERIFY(adapt_error("try_files").contains("wrong argument count"));
        QVERIFY(adapt_error("try_files a {\n\tpolicy newest\n}").contains("unrecognized try policy: newest"));
        QVERIFY(adapt_error("try_files a {\n\tpolicy largest_size\n\tpolicy largest_size\n}").contains("try policy already configured"));
    }

    void the_file_matcher_reads_its_block_and_refuses_unknown_lines() {
        QVERIFY(adapt_error("@f file {\n\troot /srv\n\ttry_files a\n}\nrespond @f 200").isEmpty());
        QVERIFY(adapt_error("@f file {\n\tfs embedded\n}\nrespond @f 200").contains("unrecognized subdirective: fs"));
        QVERIFY(adapt_error("@f file {\n\tsplit_path\n}\nrespond @f 200").contains("wrong argument count"));
    }

    void a_matcher_that_tries_no_files_cannot_be_exported() {
        const json config = json::parse(R"({"apps":{"http":{"servers":{"srv0":{"listen":[":8080"],"routes":[
            {"match":[{"file":{"try_files":[]}}],"handle":[{"handler":"static_response","body":"x"}]}]}}}}})");
        QVERIFY_THROWS_EXCEPTION(cf::ExportError, cf::export_caddyfile(config));
    }

    void an_explicit_canonical_true_cannot_be_exported() {
        const json config = json::parse(R"({"apps":{"http":{"servers":{"srv0":{"listen":[":8080"],"routes":[
            {"handle":[{"handler":"file_server","canonical_uris":true}]}]}}}}})");
        QVERIFY_THROWS_EXCEPTION(cf::ExportError, cf::export_caddyfile(config));
    }
};

QTEST_APPLESS_MAIN(CaddyfileGoldenTest)
#include "caddyfile_golden_test.moc"
