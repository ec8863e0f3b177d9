// The `file` matcher's decisions as Caddy 2.6.2's MatchFile makes them, on a real directory tree:
// which try_files entry wins under each policy, what the placeholders hold, split_path, globs and
// the "=NNN" fallback.
#include "modules/file_server/file_matcher.hpp"

#include <QtTest>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <utime.h>

using namespace proxflow;
using namespace proxflow::file_server;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& p, std::size_t size) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << std::string(size, 'x');
}

std::vector<TryFile> tried(std::initializer_list<std::string> patterns) {
    std::vector<TryFile> out;
    for (const auto& p : patterns) out.push_back({p, p});
    return out;
}

} // namespace

class FileMatcherTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string root_;

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        root_ = dir_.path().toStdString();
        write_file(root_ + "/index.html", 10);
        write_file(root_ + "/big.txt", 100);
        write_file(root_ + "/empty.txt", 0);
        write_file(root_ + "/small.txt", 5);
        write_file(root_ + "/docs/index.html", 3);
        write_file(root_ + "/remote.php", 7);
        write_file(root_ + "/img/a.png", 1);
        write_file(root_ + "/img/b.png", 1);
        fs::create_directories(root_ + "/empty_dir");
        const timespec times[2] = {{1000, 0}, {1000, 0}};
        ::utimensat(AT_FDCWD, (root_ + "/big.txt").c_str(), times, 0);
    }

    void first_exist_takes_the_first_entry_that_exists_as_written() {
        const auto s = select_file(root_, tried({"/missing.html", "/index.html", "/big.txt"}), TryPolicy::first_exist, {});
        QVERIFY(s.file);
        QCOMPARE(s.file->relative, std::string("/index.html"));
        QCOMPARE(s.file->absolute, root_ + "/index.html");
        QVERIFY(!s.file->directory);
        QCOMPARE(s.error_status, 0u);
    }

    void a_trailing_slash_asks_for_a_directory_and_none_for_a_file() {
        QVERIFY(!select_file(root_, tried({"/docs"}), TryPolicy::first_exist, {}).file);
        QVERIFY(!select_file(root_, tried({"/index.html/"}), TryPolicy::first_exist, {}).file);
        const auto s = select_file(root_, tried({"/docs/"}), TryPolicy::first_exist, {});
        QVERIFY(s.file && s.file->directory);
        QCOMPARE(s.file->relative, std::string("/docs/"));
    }

    void an_error_entry_ends_first_exist_only_when_reached() {
        QCOMPARE(select_file(root_, tried({"/missing", "=404", "/index.html"}), TryPolicy::first_exist, {}).error_status, 404u);
        QCOMPARE(select_file(root_, tried({"/index.html", "=404"}), TryPolicy::first_exist, {}).error_status, 0u);
        // Not a status: a file name like any other.
        QCOMPARE(select_file(root_, tried({"=99", "=4x4"}), TryPolicy::first_exist, {}).error_status, 0u);
        // Other policies treat it as a file name.
        QCOMPARE(select_file(root_, tried({"=404", "/big.txt"}), TryPolicy::largest_size, {}).error_status, 0u);
    }

    void size_policies_compare_every_existing_entry() {
        const auto files = tried({"/small.txt", "/big.txt", "/empty.txt", "/missing"});
        QCOMPARE(select_file(root_, files, TryPolicy::largest_size, {}).file->relative, std::string("/big.txt"));
        // As Caddy: a smaller size replaces the kept one, so an empty file listed after the others wins...
        QCOMPARE(select_file(root_, files, TryPolicy::smallest_size, {}).file->relative, std::string("/empty.txt"));
        QCOMPARE(select_file(root_, tried({"/big.txt", "/small.txt"}), TryPolicy::smallest_size, {}).file->relative, std::string("/small.txt"));
        // ...but is replaced by whatever exists after it, and is never the largest.
        QVERIFY(!select_file(root_, tried({"/empty.txt"}), TryPolicy::largest_size, {}).file);
        QCOMPARE(select_file(root_, tried({"/empty.txt", "/big.txt"}), TryPolicy::smallest_size, {}).file->relative, std::string("/big.txt"));
    }

    void most_recently_modified_takes_the_newest() {
        const auto s = select_file(root_, tried({"/big.txt", "/small.txt"}), TryPolicy::most_recently_modified, {});
        QCOMPARE(s.file->relative, std::string("/small.txt"));
    }

    void split_path_tries_the_part_before_the_delimiter_and_keeps_the_rest() {
        const auto s = select_file(root_, tried({"/remote.php/dav/file"}), TryPolicy::first_exist, {".php"});
        QVERIFY(s.file);
        QCOMPARE(s.file->relative, std::string("/remote.php"));
        QCOMPARE(s.file->remainder, std::string("/dav/file"));
        QCOMPARE(first_split("/a.PHP/x", {".php"}), std::make_pair(std::string("/a.PHP"), std::string("/x")));
        // The delimiter must end a path element.
        QCOMPARE(first_split("/a.phpx/y", {".php"}), std::make_pair(std::string("/a.phpx/y"), std::string()));
    }

    void globs_expand_sorted_and_escaped_characters_are_literal() {
        QCOMPARE(glob_files(root_ + "/img/*.png"), (std::vector<std::string>{root_ + "/img/a.png", root_ + "/img/b.png"}));
        QVERIFY(glob_files(root_ + "/img/\\*.png").empty());
        QCOMPARE(glob_files(root_ + "/*/a.png"), std::vector<std::string>{root_ + "/img/a.png"});
        QCOMPARE(select_file(root_, tried({"/img/*.png"}), TryPolicy::first_exist, {}).file->relative, std::string("/img/a.png"));
    }

    void paths_cannot_climb_out_of_the_root() {
        QCOMPARE(select_file(root_ + "/docs", tried({"/../big.txt"}), TryPolicy::first_exist, {}).file.has_value(), false);
    }

    void the_json_round_trips_and_rejects_what_caddy_rejects() {
        const auto c = FileMatchConfig::from_json(
            json::parse(R"({"root":"/srv","try_files":["{path}","=404"],"try_policy":"smallest_size","split_path":[".php"]})"), "m.file");
        QCOMPARE(c.to_json(), json::parse(R"({"root":"/srv","try_files":["{path}","=404"],"try_policy":"smallest_size","split_path":[".php"]})"));
        QVERIFY(!FileMatchConfig::from_json(json::object(), "m").try_files);
        QVERIFY(FileMatchConfig::from_json(json::parse(R"({"try_files":[]})"), "m").try_files->empty());
        QVERIFY_THROWS_EXCEPTION(ConfigError, FileMatchConfig::from_json(json::parse(R"({"try_policy":"newest"})"), "m"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, FileMatchConfig::from_json(json::parse(R"({"file_system":{}})"), "m"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, FileMatchConfig::from_json(json::parse(R"({"tryfiles":["a"]})"), "m"));
    }
};

QTEST_APPLESS_MAIN(FileMatcherTest)
#include "file_matcher_test.moc"
