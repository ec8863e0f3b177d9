// From request path to file: what Caddy's SanitizedPathJoin and fileHidden decide, including the
// paths that try to climb out of the root.
#include "modules/file_server/served_path.hpp"

#include <QtTest>

using namespace proxflow::file_server;

class ServedPathTest : public QObject {
    Q_OBJECT
private slots:
    void request_paths_cannot_climb_above_the_root() {
        QCOMPARE(sanitized_path_join("/srv", "/../etc/passwd"), std::string("/srv/etc/passwd"));
        QCOMPARE(sanitized_path_join("/srv", "/a/../../../x"), std::string("/srv/x"));
        QCOMPARE(sanitized_path_join("/srv", *proxflow::unescape_path("/%2e%2e/%2e%2e%2fx")), std::string("/srv/x"));
        QCOMPARE(sanitized_path_join("site", "/../x"), std::string("site/x"));
        QCOMPARE(sanitized_path_join("", "/x"), std::string("x"));
    }

    void a_trailing_slash_is_kept_and_the_root_itself_has_none() {
        QCOMPARE(sanitized_path_join("/srv", "/dir/"), std::string("/srv/dir/"));
        QCOMPARE(sanitized_path_join("/srv", "/"), std::string("/srv"));
    }

    void names_hide_every_component_and_paths_hide_their_subtree() {
        const std::vector<std::string> hide{".git", "*.bak", "/srv/private"};
        QVERIFY(file_hidden("/srv/.git/config", hide));
        QVERIFY(file_hidden("/srv/notes.bak", hide));
        QVERIFY(file_hidden("/srv/private", hide));
        QVERIFY(file_hidden("/srv/private/x/y", hide));
        QVERIFY(!file_hidden("/srv/privateer", hide));
        QVERIFY(!file_hidden("/srv/gitlog", hide));
        QVERIFY(!file_hidden("/srv/a.bakery", hide));
    }

    void globs_do_not_cross_slashes() {
        QVERIFY(glob_match("/srv/*/secret", "/srv/a/secret"));
        QVERIFY(!glob_match("/srv/*/secret", "/srv/a/b/secret"));
        QVERIFY(glob_match("file?.[ch]", "file1.c"));
        QVERIFY(!glob_match("file[^0-9].c", "file1.c"));
    }
};

QTEST_APPLESS_MAIN(ServedPathTest)
#include "served_path_test.moc"
