// FileServerConfig: Caddy 2.6.2's JSON field names, one round trip, only non-defaults written,
// and errors that name the JSON path of what is wrong.
#include "modules/file_server/file_server_config.hpp"

#include "../../json_text.hpp"

#include <QtTest>

using namespace proxflow;
using proxflow::test::q;

namespace {

FileServerConfig read(const json& value, const std::string& path = "handle[0]") {
    ObjectReader r(value, path);
    return FileServerConfig::from_json(r);
}

// The path a ConfigError names for value, or "" when it is accepted.
QString error_path(const char* text) {
    try {
        read(json::parse(q(text)), "routes[0].handle[1]");
    } catch (const ConfigError& e) {
        return QString::fromStdString(e.path());
    }
    return {};
}

} // namespace

class FileServerConfigTest : public QObject {
    Q_OBJECT
private slots:
    void every_field_reads_back_from_what_it_writes() {
        FileServerConfig c;
        c.root = "/srv/{http.request.host}";
        c.hide = {".git", "/srv/secret", "*.bak"};
        c.index_names = {"home.html"};
        c.browse = FileServerConfig::Browse{"/etc/listing.tpl"};
        c.canonical_uris = false;
        c.status_code = "404";
        c.pass_thru = true;
        c.precompressed = {"br", "gzip", "zstd"};
        c.precompressed_order = {"zstd", "br", "gzip"};
        const json written = c.to_json();
        QVERIFY(read(written) == c);
        QCOMPARE(written, json::parse(q("{'root': '/srv/{http.request.host}', 'hide': ['.git', '/srv/secret', '*.bak'],"
                                        " 'index_names': ['home.html'], 'browse': {'template_file': '/etc/listing.tpl'},"
                                        " 'canonical_uris': false, 'status_code': 404, 'pass_thru': true,"
                                        " 'precompressed': {'br': {}, 'gzip': {}, 'zstd': {}},"
                                        " 'precompressed_order': ['zstd', 'br', 'gzip']}")));
    }

    void defaults_write_nothing() {
        QCOMPARE(FileServerConfig{}.to_json(), json::object());
        QVERIFY(read(json::parse(q("{'handler': 'file_server'}"))) == FileServerConfig{});
    }

    void browse_without_a_template_is_an_empty_object() {
        FileServerConfig c;
        c.browse = FileServerConfig::Browse{};
        QCOMPARE(c.to_json(), json::parse(q("{'browse': {}}")));
        QVERIFY(read(c.to_json()) == c);
    }

    void status_code_is_a_number_when_it_is_digits_and_a_string_otherwise() {
        FileServerConfig c;
        c.status_code = "{http.error.status_code}";
        QCOMPARE(c.to_json()["status_code"], json("{http.error.status_code}"));
        QCOMPARE(QString::fromStdString(read(json::parse(q("{'status_code': '418'}"))).status_code), QString("418"));
        QCOMPARE(QString::fromStdString(read(json::parse(q("{'status_code': 418}"))).status_code), QString("418"));
    }

    void an_explicit_canonical_true_is_kept() {
        const FileServerConfig c = read(json::parse(q("{'canonical_uris': true}")));
        QVERIFY(c.canonical_uris == true);
        QCOMPARE(c.to_json(), json::parse(q("{'canonical_uris': true}")));
    }

    void errors_name_the_json_path() {
        QCOMPARE(error_path("{'roots': '/srv'}"), QString("routes[0].handle[1].roots"));
        QCOMPARE(error_path("{'hide': ['.git', 7]}"), QString("routes[0].handle[1].hide[1]"));
        QCOMPARE(error_path("{'browse': {'template': 'x'}}"), QString("routes[0].handle[1].browse.template"));
        QCOMPARE(error_path("{'precompressed': {'lz4': {}}}"), QString("routes[0].handle[1].precompressed.lz4"));
        QCOMPARE(error_path("{'precompressed': {'gzip': {'level': 5}}}"), QString("routes[0].handle[1].precompressed.gzip.level"));
        QCOMPARE(error_path("{'precompressed_order': ['gzip', 'lz4']}"), QString("routes[0].handle[1].precompressed_order[1]"));
        QCOMPARE(error_path("{'canonical_uris': 'no'}"), QString("routes[0].handle[1].canonical_uris"));
        QCOMPARE(error_path("{'status_code': [404]}"), QString("routes[0].handle[1].status_code"));
        QCOMPARE(error_path("{'pass_thru': 1}"), QString("routes[0].handle[1].pass_thru"));
        QCOMPARE(error_path("{'file_system': {'backend': 'embedded'}}"), QString("routes[0].handle[1].file_system"));
    }
};

QTEST_APPLESS_MAIN(FileServerConfigTest)
#include "file_server_config_test.moc"
