// The file_server and root directives' errors and export limits; their adapt and export against real
// Caddy are the golden pairs in golden/, which tests/engine/modules/caddyfile_golden_test.cpp runs.
#include "caddyfile/adapter.hpp"
#include "caddyfile/exporter.hpp"

#include <QtTest>


using nlohmann::json;
namespace cf = proxflow::caddyfile;

namespace {

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

class FileServerCaddyfileTest : public QObject {
    Q_OBJECT
private slots:
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

QTEST_APPLESS_MAIN(FileServerCaddyfileTest)
#include "caddyfile_test.moc"
