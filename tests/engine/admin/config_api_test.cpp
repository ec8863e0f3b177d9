#include "admin/config_api.hpp"

#include "../json_text.hpp"

#include <QtTest>

using namespace proxflow;
using proxflow::test::q;

namespace {
const json base = json::parse(q("{'apps': {'http': {'servers': {'a': {'listen': [':1'], 'routes': []}}}}}"));
}

class ConfigApiTest : public QObject {
    Q_OBJECT
private slots:
    void get_reads_nested_paths_and_array_indexes() {
        json changed;
        const auto reply = apply_config_request("GET", "/apps/http/servers/a/listen/0", "", base, changed);
        QCOMPARE(reply.status, 200u);
        QCOMPARE(reply.body, json(":1"));
        QCOMPARE(apply_config_request("GET", "/apps/nope", "", base, changed).status, 404u);
    }

    void post_appends_to_arrays_and_sets_objects() {
        json changed;
        QCOMPARE(apply_config_request("POST", "/apps/http/servers/a/listen", q("':2'"), base, changed).status, 200u);
        QCOMPARE(changed["apps"]["http"]["servers"]["a"]["listen"], json::parse(q("[':1', ':2']")));
        QCOMPARE(apply_config_request("POST", "/admin/listen", q("'127.0.0.1:1'"), base, changed).status, 200u);
        QCOMPARE(changed["admin"]["listen"], json("127.0.0.1:1"));
    }

    void put_creates_only_and_patch_replaces_only() {
        json changed;
        QCOMPARE(apply_config_request("PUT", "/apps/http/servers/a", "{}", base, changed).status, 409u);
        QCOMPARE(apply_config_request("PUT", "/apps/http/servers/b", q("{'listen': [':3']}"), base, changed).status, 200u);
        QVERIFY(changed["apps"]["http"]["servers"].contains("b"));
        QCOMPARE(apply_config_request("PATCH", "/apps/http/servers/zz", "{}", base, changed).status, 404u);
        QCOMPARE(apply_config_request("PUT", "/apps/http/servers/a/listen/0", q("':0'"), base, changed).status, 200u);
        QCOMPARE(changed["apps"]["http"]["servers"]["a"]["listen"], json::parse(q("[':0', ':1']")));
    }

    void delete_removes_and_a_bad_body_is_a_400() {
        json changed;
        QCOMPARE(apply_config_request("DELETE", "/apps/http/servers/a", "", base, changed).status, 200u);
        QVERIFY(changed["apps"]["http"]["servers"].empty());
        QCOMPARE(apply_config_request("POST", "/admin", "{not json", base, changed).status, 400u);
    }
};

QTEST_APPLESS_MAIN(ConfigApiTest)
#include "config_api_test.moc"
