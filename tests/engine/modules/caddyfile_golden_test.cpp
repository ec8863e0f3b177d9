// Every module's Caddyfile face against real Caddy 2.6.2: each tests/engine/modules/<name>/golden/
// (and tests/engine/caddyfile/golden/ for the language's own forms: global options, log, handle_errors)
// holds NAME.caddyfile beside NAME.json, what `caddy adapt --config Caddyfile` printed for it in a
// folder where it was copied as Caddyfile (the shared corpus's convention, so `check-adapt DIR` reads
// such a folder too). ProxFlow must adapt it to the same JSON, and its export must adapt back to it.
#include "caddyfile/adapter.hpp"
#include "caddyfile/exporter.hpp"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

using nlohmann::json;
namespace cf = proxflow::caddyfile;
namespace fs = std::filesystem;

namespace {

// From the test data folder (tests/data, an absolute path), not __FILE__: ccache's base_dir makes
// that relative to the build folder, which is not where ctest runs the test.
const fs::path modules_dir = fs::path(PROXFLOW_TEST_DATA) / ".." / "engine" / "modules";
const fs::path caddyfile_dir = fs::path(PROXFLOW_TEST_DATA) / ".." / "engine" / "caddyfile";

std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

class CaddyfileGoldenTest : public QObject {
    Q_OBJECT
private slots:
    void cases_data() {
        QTest::addColumn<QString>("caddyfile");
        int count = 0;
        std::vector<fs::path> folders{caddyfile_dir};
        for (const auto& module : fs::directory_iterator(modules_dir)) folders.push_back(module.path());
        for (const auto& folder : folders) {
            if (!fs::is_directory(folder / "golden")) continue;
            for (const auto& entry : fs::directory_iterator(folder / "golden"))
                if (entry.path().extension() == ".caddyfile") {
                    const std::string row = folder.filename().string() + "/" + entry.path().stem().string();
                    QTest::newRow(row.c_str()) << QString::fromStdString(entry.path().string());
                    ++count;
                }
        }
        QVERIFY2(count >= 7, "the golden cases are missing");
    }

    void cases() {
        QFETCH(QString, caddyfile);
        fs::path source = caddyfile.toStdString();
        const std::string file = "Caddyfile"; // the name Caddy read it under
        const json expected = json::parse(read(fs::path(source).replace_extension(".json")));
        const json adapted = cf::adapt(read(source), file);
        QVERIFY2(adapted == expected, ("adapt differs from caddy:\n" + adapted.dump(2)).c_str());

        const std::string exported = cf::export_caddyfile(adapted).caddyfile;
        const json again = cf::adapt(exported, file);
        QVERIFY2(again == expected, ("the export does not adapt back:\n" + exported + "\n" + again.dump(2)).c_str());
    }
};

QTEST_APPLESS_MAIN(CaddyfileGoldenTest)
#include "caddyfile_golden_test.moc"
