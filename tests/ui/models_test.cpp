// The list models over the config and over metric snapshots, checked by QAbstractItemModelTester.
#include "config_document.hpp"
#include "country_model.hpp"
#include "handler_catalogue.hpp"
#include "history_model.hpp"
#include "policy_list_model.hpp"
#include "remote_admin.hpp"
#include "rate_limit_policy.hpp"
#include "resilience_settings.hpp"
#include "route_list_model.hpp"
#include "server_list_model.hpp"
#include "site_list_model.hpp"
#include "traffic_stats.hpp"
#include "upstream_list_model.hpp"

#include "module/registry.hpp"
#include "modules/reverse_proxy/lb_policies.hpp"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace proxflow::ui;
using proxflow::metrics::Snapshot;

namespace {
QVariant role(const QAbstractItemModel& m, int row, const char* name) {
    return m.data(m.index(row, 0), m.roleNames().key(name));
}
}

class ModelsTest : public QObject {
    Q_OBJECT
private slots:
    void sites_follow_the_servers_of_the_config() {
        ConfigDocument doc;
        SiteListModel sites;
        QAbstractItemModelTester tester(&sites, QAbstractItemModelTester::FailureReportingMode::QtTest);
        sites.setDocument(&doc);
        QCOMPARE(sites.rowCount(), 0);
        doc.addSite(":8080", "a.example");
        doc.addSite("127.0.0.1:9090");
        QCOMPARE(sites.rowCount(), 2);
        QCOMPARE(role(sites, 0, "listen").toString(), QStringLiteral(":8080"));
        QCOMPARE(role(sites, 0, "hosts").toString(), QStringLiteral("a.example"));
        QCOMPARE(sites.indexOf("site1"), 1);

        Snapshot snap;
        snap.servers.push_back({.name = "site1", .requests = 42, .status_classes = {0, 0, 0, 0, 2}, .latency = {}});
        sites.updateLive(snap);
        QCOMPARE(role(sites, 1, "requests").toULongLong(), 42ull);
        QCOMPARE(role(sites, 1, "errors").toULongLong(), 2ull);
        doc.remove("apps.http.servers.site0");
        QCOMPARE(sites.rowCount(), 1);
        doc.undo();
        QCOMPARE(sites.rowCount(), 2);
    }

    void routes_show_matchers_and_handler_kind() {
        ConfigDocument doc;
        doc.addSite(":8080", "a.example");
        doc.addRoute("site0", "redirect");
        RouteListModel routes;
        QAbstractItemModelTester tester(&routes, QAbstractItemModelTester::FailureReportingMode::QtTest);
        routes.setDocument(&doc);
        routes.setServerName("site0");
        QCOMPARE(routes.rowCount(), 2);
        QCOMPARE(role(routes, 0, "hosts").toString(), QStringLiteral("a.example"));
        QCOMPARE(role(routes, 0, "handler").toString(), QStringLiteral("reverse_proxy"));
        QCOMPARE(role(routes, 1, "handler").toString(), QStringLiteral("redirect"));
        QCOMPARE(role(routes, 1, "paths").toString(), QStringLiteral("/new/*"));
        doc.setHeaderMatch(role(routes, 1, "path").toString(), "X-Canary: 1");
        QCOMPARE(role(routes, 1, "headers").toString(), QStringLiteral("X-Canary: 1"));
        routes.setServerName("nope");
        QCOMPARE(routes.rowCount(), 0);
    }

    void upstreams_join_config_and_live_state_by_dial() {
        ConfigDocument doc;
        doc.addSite(":8080");
        const QString handler = "apps.http.servers.site0.routes[0].handle[0]";
        doc.addUpstream(handler, "127.0.0.1:1");
        doc.addUpstream(handler, "127.0.0.1:2");
        doc.setText(handler + ".health_checks.passive.max_fails", "5");
        TrafficStats traffic;
        UpstreamListModel upstreams;
        QAbstractItemModelTester tester(&upstreams, QAbstractItemModelTester::FailureReportingMode::QtTest);
        upstreams.setDocument(&doc);
        upstreams.setHandlerPath(handler);
        upstreams.setTraffic(&traffic);
        QCOMPARE(upstreams.rowCount(), 2);
        QCOMPARE(role(upstreams, 1, "known").toBool(), false);

        Snapshot snap;
        proxflow::metrics::UpstreamStats up;
        up.address = "127.0.0.1:2";
        up.requests = 10;
        snap.upstreams.push_back(up);
        traffic.update(snap);
        QCOMPARE(role(upstreams, 1, "requests").toULongLong(), 10ull);
        QCOMPARE(role(upstreams, 1, "known").toBool(), false); // counters alone: the engine has not reported it

        // Health is the engine's word (/reverse_proxy/upstreams), whatever the edited config's max_fails says.
        upstreams.updateStatus(json::array({{{"address", "127.0.0.1:2"}, {"healthy", false}, {"fails", 2}, {"num_requests", 3}},
                                            {{"address", "127.0.0.1:1"}, {"healthy", true}, {"fails", 7}, {"num_requests", 0}}}));
        QCOMPARE(role(upstreams, 1, "known").toBool(), true);
        QCOMPARE(role(upstreams, 1, "inFlight").toInt(), 3);
        QCOMPARE(role(upstreams, 1, "fails").toInt(), 2);
        QCOMPARE(role(upstreams, 1, "requests").toULongLong(), 10ull);
        QCOMPARE(role(upstreams, 1, "healthy").toBool(), false);
        QCOMPARE(role(upstreams, 0, "healthy").toBool(), true);
        QCOMPARE(role(upstreams, 0, "fails").toInt(), 7);
        doc.remove(handler + ".upstreams[0]");
        QCOMPARE(upstreams.rowCount(), 1);
        QCOMPARE(role(upstreams, 0, "dial").toString(), QStringLiteral("127.0.0.1:2"));
    }

    // The breaker's and the adaptive policy's view of each upstream, from the embedded engine's
    // snapshot: an upstream no breaker watches has no state ("—" in the view), negative weights mean
    // no adaptive policy.
    void upstreams_show_circuit_state_and_adaptive_weight_from_the_snapshot() {
        ConfigDocument doc;
        doc.addSite(":8080");
        const QString handler = "apps.http.servers.site0.routes[0].handle[0]";
        doc.addUpstream(handler, "127.0.0.1:1");
        doc.addUpstream(handler, "127.0.0.1:2");
        doc.addUpstream(handler, "127.0.0.1:3");
        TrafficStats traffic;
        UpstreamListModel upstreams;
        QAbstractItemModelTester tester(&upstreams, QAbstractItemModelTester::FailureReportingMode::QtTest);
        upstreams.setDocument(&doc);
        upstreams.setHandlerPath(handler);
        upstreams.setTraffic(&traffic);
        QVERIFY(!upstreams.anyCircuit() && !upstreams.anyAdaptive());
        QCOMPARE(role(upstreams, 0, "circuitState").toString(), QString());
        QCOMPARE(role(upstreams, 0, "weight").toDouble(), -1.0);

        QSignalSpy columns(&upstreams, &UpstreamListModel::columnsChanged);
        Snapshot snap;
        proxflow::metrics::UpstreamStats open, ramping;
        open.address = "127.0.0.1:1";
        open.circuit_state = "open";
        open.failure_rate = 0.62;
        open.window_requests = 13;
        open.predicted_load_ms = 250;
        open.weight = 0;
        ramping.address = "127.0.0.1:2";
        ramping.circuit_state = "ramp_up";
        ramping.failure_rate = 0;
        ramping.window_requests = 4;
        ramping.ramp_share = 0.25;
        ramping.predicted_load_ms = 12.5;
        ramping.weight = 0.8;
        snap.upstreams = {open, ramping};
        traffic.update(snap);
        QCOMPARE(columns.count(), 1);
        QVERIFY(upstreams.anyCircuit() && upstreams.anyAdaptive());
        QCOMPARE(role(upstreams, 0, "circuitState").toString(), QStringLiteral("open"));
        QCOMPARE(role(upstreams, 0, "failureRate").toDouble(), 0.62);
        QCOMPARE(role(upstreams, 0, "windowRequests").toLongLong(), 13);
        QCOMPARE(role(upstreams, 0, "weight").toDouble(), 0.0);
        QCOMPARE(role(upstreams, 1, "circuitState").toString(), QStringLiteral("ramp_up"));
        QCOMPARE(role(upstreams, 1, "rampShare").toDouble(), 0.25);
        QCOMPARE(role(upstreams, 1, "predictedLoadMs").toDouble(), 12.5);
        QCOMPARE(role(upstreams, 1, "weight").toDouble(), 0.8);
        QCOMPARE(role(upstreams, 2, "circuitState").toString(), QString()); // not in the snapshot
        QCOMPARE(role(upstreams, 2, "predictedLoadMs").toDouble(), -1.0);
        QVERIFY(role(upstreams, 0, "hasTotals").toBool());

        // The same upstream closing again is a data change, not a reset: the view keeps its rows.
        QSignalSpy reset(&upstreams, &QAbstractItemModel::modelReset);
        snap.upstreams[0].circuit_state = "closed";
        traffic.update(snap);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(role(upstreams, 0, "circuitState").toString(), QStringLiteral("closed"));
    }

    // From a remote admin API the same numbers come from GET /reverse_proxy/upstreams's fields (present
    // only when configured); it has no request totals.
    void upstreams_read_circuit_state_from_a_remote_status() {
        ConfigDocument doc;
        doc.addSite(":8080");
        const QString handler = "apps.http.servers.site0.routes[0].handle[0]";
        doc.addUpstream(handler, "127.0.0.1:1");
        doc.addUpstream(handler, "127.0.0.1:2");
        TrafficStats traffic;
        UpstreamListModel upstreams;
        QAbstractItemModelTester tester(&upstreams, QAbstractItemModelTester::FailureReportingMode::QtTest);
        upstreams.setDocument(&doc);
        upstreams.setHandlerPath(handler);
        upstreams.setTraffic(&traffic);
        upstreams.setFromRemote(true);
        Snapshot local; // the embedded engine's numbers do not leak into a remote's rows
        proxflow::metrics::UpstreamStats mine;
        mine.address = "127.0.0.1:1";
        mine.circuit_state = "closed";
        mine.requests = 99;
        local.upstreams = {mine};
        traffic.update(local);
        upstreams.updateStatus(json::parse(R"([
            {"address": "127.0.0.1:1", "num_requests": 2, "fails": 0, "healthy": true, "circuit_state": "half_open",
             "failure_rate": 0.5, "window_requests": 20, "ramp_share": 1, "predicted_load_ms": 40.5, "weight": 0.25},
            {"address": "127.0.0.1:2", "num_requests": 0, "fails": 1, "healthy": true}])"));
        QCOMPARE(role(upstreams, 0, "circuitState").toString(), QStringLiteral("half_open"));
        QCOMPARE(role(upstreams, 0, "failureRate").toDouble(), 0.5);
        QCOMPARE(role(upstreams, 0, "windowRequests").toLongLong(), 20);
        QCOMPARE(role(upstreams, 0, "predictedLoadMs").toDouble(), 40.5);
        QCOMPARE(role(upstreams, 0, "weight").toDouble(), 0.25);
        QCOMPARE(role(upstreams, 0, "inFlight").toInt(), 2);
        QVERIFY(!role(upstreams, 0, "hasTotals").toBool());
        QCOMPARE(role(upstreams, 0, "requests").toULongLong(), 0ull);
        QCOMPARE(role(upstreams, 1, "circuitState").toString(), QString());
        QCOMPARE(role(upstreams, 1, "weight").toDouble(), -1.0);
        QVERIFY(role(upstreams, 1, "known").toBool());
    }

    // The breaker switch writes the spec's object and takes all of it away again; numbers stay numbers.
    void resilience_settings_write_the_breaker_and_follow_the_policy() {
        ConfigDocument doc;
        doc.addSite(":8080");
        const QString handler = "apps.http.servers.site0.routes[0].handle[0]";
        ResilienceSettings settings;
        settings.setDocument(&doc);
        settings.setHandlerPath(handler);
        QSignalSpy changed(&settings, &ResilienceSettings::changed);
        QVERIFY(!settings.circuitBreaker());
        settings.setCircuitBreaker(true);
        QVERIFY(settings.circuitBreaker());
        QVERIFY(changed.count() > 0);
        QCOMPARE(QString::fromStdString(JsonPath(settings.breakerPath()).find(doc.root())->dump()), QStringLiteral(R"({"type":"intelligent"})"));
        doc.setNumber(settings.breakerPath() + ".failure_threshold", "0.5");
        doc.setNumber(settings.breakerPath() + ".half_open_max_requests", "3");
        doc.setNumber(settings.breakerPath() + ".min_requests", "x1");
        const json& breaker = *JsonPath(settings.breakerPath()).find(doc.root());
        QVERIFY(breaker["failure_threshold"].is_number_float());
        QCOMPARE(breaker["failure_threshold"].get<double>(), 0.5);
        QVERIFY(breaker["half_open_max_requests"].is_number_integer());
        QVERIFY(breaker["min_requests"].is_string()); // not a number: the engine names it at its path
        settings.setCircuitBreaker(false);
        QVERIFY(!doc.value(settings.breakerPath()).isValid());
        doc.undo();
        QVERIFY(settings.circuitBreaker());

        QVERIFY(!settings.adaptive());
        doc.setValue(settings.policyPath(), QVariantMap{{"policy", "adaptive"}});
        QVERIFY(settings.adaptive());
        QCOMPARE(settings.defaults().value("alpha").toString(), QStringLiteral("0.3"));
        QCOMPARE(settings.defaults().value("min_requests").toString(), QStringLiteral("10"));
    }

    // Circuit transitions become the latency chart's markers, on the charts' x (seconds before the
    // snapshot), older than the charts' five minutes left out.
    void circuit_events_are_placed_on_the_charts_time_axis() {
        TrafficStats traffic;
        Snapshot snap;
        snap.taken_unix_ms = 1'000'000'000;
        snap.circuit_events = {{.unix_ms = 1'000'000'000 - 400'000, .upstream = "a:1", .from = "closed", .to = "open", .reason = "old"},
                               {.unix_ms = 1'000'000'000 - 12'500, .upstream = "127.0.0.1:9002", .from = "closed", .to = "open",
                                .reason = "failure rate 0.62 >= 0.5 over 13 attempts"},
                               {.unix_ms = 1'000'000'000 - 2'000, .upstream = "127.0.0.1:9002", .from = "half_open", .to = "ramp_up", .reason = ""}};
        traffic.update(snap);
        const QVariantList events = traffic.circuitEvents();
        QCOMPARE(events.size(), 2);
        const QVariantMap first = events[0].toMap();
        QCOMPARE(first.value("x").toDouble(), -12.5);
        QCOMPARE(first.value("upstream").toString(), QStringLiteral("127.0.0.1:9002"));
        QCOMPARE(first.value("to").toString(), QStringLiteral("open"));
        QCOMPARE(first.value("reason").toString(), QStringLiteral("failure rate 0.62 >= 0.5 over 13 attempts"));
        QCOMPARE(events[1].toMap().value("from").toString(), QStringLiteral("half_open"));
        QCOMPARE(events[1].toMap().value("x").toDouble(), -2.0);
    }

    // Every rate_limit of the config, however deep, named as the engine names it: a written zone as
    // written, an unnamed one by its position among the unnamed (rate_limit0, rate_limit1 …) in the
    // order the engine builds them (servers by name, routes and handlers in order, subroutes in place).
    void policies_list_every_rate_limit_with_the_engines_zone_name() {
        ConfigDocument doc;
        const auto limit = [](json fields) {
            fields["handler"] = "rate_limit";
            return fields;
        };
        json web = {{"listen", {":8081"}}, {"routes", json::array()}};
        web["routes"].push_back(
            {{"match", json::array({{{"path", {"/api/*"}}}})},
             {"handle", json::array({limit({{"rate", "600/m"}, {"key", "{http.request.header.X-Tenant}"}, {"reject", "delay"}}),
                                     {{"handler", "subroute"},
                                      {"routes", json::array({{{"handle", json::array({limit({{"rate", 5}, {"zone", "inner"}}),
                                                                                       limit({{"rate", 7}, {"algorithm", "sliding_window"}})})}}})}}})}});
        json api = {{"listen", {":8080"}}, {"routes", json::array()}};
        api["routes"].push_back({{"handle", json::array({limit({{"rate", 10}}), {{"handler", "static_response"}, {"body", "x"}}})}});
        doc.replace({{"apps", {{"http", {{"servers", {{"web", web}, {"api", api}}}}}}}});
        PolicyListModel policies;
        QAbstractItemModelTester tester(&policies, QAbstractItemModelTester::FailureReportingMode::QtTest);
        policies.setDocument(&doc);
        QCOMPARE(policies.rowCount(), 4);
        // "api" sorts before "web", as the engine reads the servers object.
        QCOMPARE(role(policies, 0, "site").toString(), QStringLiteral("api"));
        QCOMPARE(role(policies, 0, "zone").toString(), QStringLiteral("rate_limit0"));
        QCOMPARE(role(policies, 0, "zoneNamed").toBool(), false);
        QCOMPARE(role(policies, 0, "route").toString(), QStringLiteral("#1 every request"));
        QCOMPARE(role(policies, 0, "rate").toString(), QStringLiteral("10/s"));
        QCOMPARE(role(policies, 0, "algorithm").toString(), QStringLiteral("token_bucket"));
        QCOMPARE(role(policies, 0, "key").toString(), QStringLiteral("ip"));
        QCOMPARE(role(policies, 0, "reject").toString(), QStringLiteral("429"));
        QCOMPARE(role(policies, 1, "zone").toString(), QStringLiteral("rate_limit1"));
        QCOMPARE(role(policies, 1, "route").toString(), QStringLiteral("#1 /api/*"));
        QCOMPARE(role(policies, 1, "rate").toString(), QStringLiteral("600/m"));
        QCOMPARE(role(policies, 1, "key").toString(), QStringLiteral("header X-Tenant"));
        QCOMPARE(role(policies, 1, "reject").toString(), QStringLiteral("delay"));
        QCOMPARE(role(policies, 2, "zone").toString(), QStringLiteral("inner"));
        QCOMPARE(role(policies, 2, "zoneNamed").toBool(), true);
        QCOMPARE(role(policies, 2, "path").toString(), QStringLiteral("apps.http.servers.web.routes[0].handle[1].routes[0].handle[0]"));
        QCOMPARE(role(policies, 2, "routePath").toString(), QStringLiteral("apps.http.servers.web.routes[0]"));
        QCOMPARE(role(policies, 3, "zone").toString(), QStringLiteral("rate_limit2")); // a named zone takes no position
        QCOMPARE(role(policies, 3, "algorithm").toString(), QStringLiteral("sliding_window"));
        QCOMPARE(policies.rowOf("apps.http.servers.api.routes[0].handle[0]"), 0);

        // A rate the engine refuses is shown as written and marked.
        doc.setText("apps.http.servers.api.routes[0].handle[0].rate", "0");
        QCOMPARE(role(policies, 0, "valid").toBool(), false);
        doc.undo();
        QCOMPARE(role(policies, 0, "valid").toBool(), true);
    }

    // Rates are the differences of two reads of GET /rate_limit/zones over the time between them.
    void policy_rates_come_from_two_status_reads() {
        ConfigDocument doc;
        doc.addSite(":8080");
        PolicyListModel policies;
        QAbstractItemModelTester tester(&policies, QAbstractItemModelTester::FailureReportingMode::QtTest);
        policies.setDocument(&doc);
        QCOMPARE(policies.attach("apps.http.servers.site0.routes[0]"), QStringLiteral("apps.http.servers.site0.routes[0].handle[0]"));
        doc.setText("apps.http.servers.site0.routes[0].handle[0].zone", "api");
        QCOMPARE(policies.rowCount(), 1);
        QCOMPARE(role(policies, 0, "live").toBool(), false);

        const auto read = [](double allowed, double rejected, double delayed, double dropped, int keys) {
            return json::array({{{"zone", "api"}, {"allowed", allowed}, {"rejected", rejected}, {"delayed", delayed}, {"dropped", dropped},
                                 {"keys", keys}, {"evictions", 0}, {"redis_errors", 0}},
                                {{"zone", "elsewhere"}, {"allowed", 1000}, {"rejected", 0}, {"delayed", 0}, {"dropped", 0}, {"keys", 1}}});
        };
        QSignalSpy live(&policies, &PolicyListModel::liveChanged);
        policies.updateStatus(read(100, 10, 0, 0, 3), 50'000);
        QCOMPARE(role(policies, 0, "live").toBool(), false); // one read is no rate
        QCOMPARE(role(policies, 0, "allowedPerSecond").toDouble(), 0.0);
        policies.updateStatus(read(300, 50, 4, 10, 5), 52'000);
        QCOMPARE(live.count(), 2);
        QCOMPARE(role(policies, 0, "live").toBool(), true);
        QCOMPARE(role(policies, 0, "allowedPerSecond").toDouble(), 100.0); // (300 - 100) / 2 s
        QCOMPARE(role(policies, 0, "rejectedPerSecond").toDouble(), 25.0); // 429s and drops: (60 - 10) / 2 s
        QCOMPARE(role(policies, 0, "delayedPerSecond").toDouble(), 2.0);
        QCOMPARE(role(policies, 0, "keys").toLongLong(), 5ll);
        QCOMPARE(policies.allowedPerSecond(), 100.0); // zones of other configs are not in the list, nor in the totals
        QCOMPARE(policies.rejectedPerSecond(), 25.0);

        // Counters that went back (the server restarted) start the rates again.
        policies.updateStatus(read(5, 0, 0, 0, 1), 53'000);
        QCOMPARE(role(policies, 0, "live").toBool(), false);
        // A zone the engine no longer runs has no live rates.
        policies.updateStatus(json::array(), 54'000);
        QCOMPARE(role(policies, 0, "live").toBool(), false);
    }

    // The editor's typed choices: the algorithm drops what it has no use for, a header key is the
    // header's placeholder, the rejection and Redis switches write the engine's fields, and every
    // choice is one undo step.
    void the_rate_limit_policy_reads_and_writes_the_handler() {
        ConfigDocument doc;
        doc.addSite(":8080");
        const QString h = doc.attachHandler("apps.http.servers.site0.routes[0]", "rate_limit");
        RateLimitPolicy policy;
        policy.setDocument(&doc);
        policy.setHandlerPath(h);
        QStringList algorithms;
        for (const auto& a : policy.algorithms()) algorithms << a.toMap().value("value").toString();
        QCOMPARE(algorithms, HandlerCatalogue::choicesOf("rate_limit", "algorithm"));
        QCOMPARE(policy.algorithm(), QStringLiteral("token_bucket"));
        QVERIFY(policy.usesBurst());
        QCOMPARE(policy.defaults().value("zone").toString(), QStringLiteral("rate_limit0"));
        QCOMPARE(policy.defaults().value("burst").toString(), QStringLiteral("10")); // one second of the default rate
        QVERIFY(policy.summary().contains("10 requests/s per client IP"));

        doc.setText(h + ".burst", "20");
        policy.setAlgorithm("sliding_window");
        QCOMPARE(doc.textAt(h + ".algorithm"), QStringLiteral("sliding_window"));
        QCOMPARE(doc.textAt(h + ".burst"), QString()); // the engine refuses a burst on a sliding window
        QVERIFY(policy.usesWindow() && !policy.usesBurst());
        doc.undo();
        QCOMPARE(doc.textAt(h + ".burst"), QStringLiteral("20"));
        QCOMPARE(policy.algorithm(), QStringLiteral("token_bucket"));

        QVERIFY(policy.keyKinds().size() == HandlerCatalogue::choicesOf("rate_limit", "key").size() + 2);
        policy.setKeyKind("header");
        policy.setKeyHeader("X-Tenant-Id");
        QCOMPARE(doc.textAt(h + ".key"), QStringLiteral("{http.request.header.X-Tenant-Id}"));
        QCOMPARE(policy.keyKind(), QStringLiteral("header"));
        QCOMPARE(policy.keyHeader(), QStringLiteral("X-Tenant-Id"));
        doc.setText(h + ".key", "{http.request.cookie.session}");
        QCOMPARE(policy.keyKind(), QStringLiteral("placeholder"));
        policy.setKeyKind("api_key");
        doc.setText(h + ".api_key_header", "X-Key");
        policy.setKeyKind("ip");
        QCOMPARE(doc.textAt(h + ".key"), QString()); // the default is not written
        QCOMPARE(doc.textAt(h + ".api_key_header"), QString());

        policy.setRejectKind("delay");
        doc.setText(h + ".max_delay", "2s");
        QCOMPARE(doc.textAt(h + ".reject"), QStringLiteral("delay"));
        policy.setRejectKind("status");
        QCOMPARE(doc.textAt(h + ".reject"), QString());
        QCOMPARE(doc.textAt(h + ".max_delay"), QString());

        policy.setDistributed(true);
        QVERIFY(doc.value(h + ".distributed").isValid());
        QCOMPARE(policy.defaults().value("address").toString(), QStringLiteral("localhost:6379"));
        QVERIFY(policy.summary().contains("Redis"));
        policy.setDistributed(false);
        QVERIFY(!doc.value(h + ".distributed").isValid());
    }

    // The route list shows what a route does, with the policies in front of it apart.
    void routes_show_their_policies_apart_from_what_they_do() {
        ConfigDocument doc;
        doc.addSite(":8080");
        doc.attachHandler("apps.http.servers.site0.routes[0]", "rate_limit");
        RouteListModel routes;
        QAbstractItemModelTester tester(&routes, QAbstractItemModelTester::FailureReportingMode::QtTest);
        routes.setDocument(&doc);
        routes.setServerName("site0");
        QCOMPARE(role(routes, 0, "handler").toString(), QStringLiteral("reverse_proxy"));
        QCOMPARE(role(routes, 0, "handlerPath").toString(), QStringLiteral("apps.http.servers.site0.routes[0].handle[1]"));
        QCOMPARE(role(routes, 0, "policies").toString(), QStringLiteral("10/s per ip"));
        doc.attachHandler("apps.http.servers.site0", "rate_limit"); // every request of the site
        QCOMPARE(routes.rowCount(), 2);
        QCOMPARE(role(routes, 0, "handler").toString(), QStringLiteral("rate_limit"));
        QCOMPARE(role(routes, 0, "summary").toString(), QStringLiteral("10/s per ip"));
        QCOMPARE(role(routes, 1, "handler").toString(), QStringLiteral("reverse_proxy"));
    }

    // Rejected/s beside errors/s: rate-limit rejections and drops, from the module families of
    // successive snapshots, over the last 10 s and per second for the chart.
    void traffic_counts_rate_limited_requests_per_second() {
        TrafficStats traffic;
        const auto snapshot = [](qint64 ms, std::uint64_t rejected, std::uint64_t dropped) {
            Snapshot snap;
            snap.taken_unix_ms = ms;
            snap.families.push_back({"proxflow_rate_limit_requests_total", "", {
                {{{"zone", "a"}, {"result", "allowed"}}, 1000},
                {{{"zone", "a"}, {"result", "rejected"}}, rejected},
                {{{"zone", "a"}, {"result", "dropped"}}, dropped}}});
            return snap;
        };
        traffic.update(snapshot(100'000, 0, 0));
        QCOMPARE(traffic.rejectedPerSecond(), 0.0);
        traffic.update(snapshot(101'000, 30, 10));
        traffic.update(snapshot(102'000, 50, 10));
        QCOMPARE(traffic.rejectedPerSecond(), 30.0); // 60 in 2 s
        const auto points = traffic.points("rejected");
        QCOMPARE(points.size(), 2);
        QCOMPARE(points[0], QPointF(-1, 40));
        QCOMPARE(points[1], QPointF(0, 20));
        QCOMPARE(traffic.maxErrors(), 50.0); // the error chart's axis holds the rejected line too
    }

    void the_handler_catalogue_is_the_engines() {
        HandlerCatalogue catalogue;
        QAbstractItemModelTester tester(&catalogue, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const json engine = proxflow::handler_catalogue();
        QCOMPARE(catalogue.rowCount(), static_cast<int>(engine.size()));
        QVERIFY(catalogue.rowCount() >= 3);
        for (int i = 0; i < catalogue.rowCount(); ++i) {
            QCOMPARE(role(catalogue, i, "handler").toString().toStdString(), engine[i]["handler"].get<std::string>());
            QCOMPARE(role(catalogue, i, "runs").toBool(), engine[i]["runs"].get<bool>());
        }
        const int proxy = catalogue.indexOf("reverse_proxy");
        QVERIFY(proxy >= 0);
        QCOMPARE(role(catalogue, proxy, "label").toString(), QStringLiteral("Reverse proxy"));
        QCOMPARE(role(catalogue, proxy, "defaults").toMap().value("handler").toString(), QStringLiteral("reverse_proxy"));
        QVERIFY(role(catalogue, proxy, "runs").toBool());
        QCOMPARE(catalogue.indexOf("no_such_handler"), -1);
        QVERIFY(!catalogue.runs("no_such_handler"));

        // The LB policy names are the engine's one list.
        QStringList policies;
        for (const auto& name : proxflow::selection_policy_names()) policies << QString::fromStdString(name);
        QCOMPARE(catalogue.choices("reverse_proxy", "selection_policy"), policies);
        QVERIFY(catalogue.choices("reverse_proxy", "selection_policy").contains("least_conn"));
        QVERIFY(catalogue.choices("static_response", "selection_policy").isEmpty());

        // Whether a module runs is the engine's word, the descriptor's factory: request_body and metrics
        // do, templates, push and acme_server only adapt and export, and a name no module has does not.
        for (const char* handler : {"reverse_proxy", "request_body", "metrics", "authentication"})
            QVERIFY2(catalogue.runs(handler), handler);
        for (const char* handler : {"templates", "push", "acme_server", "no_such_handler"})
            QVERIFY2(!catalogue.runs(handler), handler);
        for (int i = 0; i < catalogue.rowCount(); ++i) {
            const QString handler = role(catalogue, i, "handler").toString();
            QCOMPARE(role(catalogue, i, "runs").toBool(), catalogue.runs(handler));
        }
    }

    void editors_are_found_by_handler_name_with_a_generic_fallback() {
        HandlerCatalogue catalogue;
        QCOMPARE(HandlerCatalogue::editorName("reverse_proxy"), QStringLiteral("ReverseProxyEditor"));
        QCOMPARE(HandlerCatalogue::editorName("file_server"), QStringLiteral("FileServerEditor"));
        QCOMPARE(catalogue.editorFor("reverse_proxy"), QUrl("qrc:/qt/qml/ProxFlow/Ui/editors/ReverseProxyEditor.qml"));
        QCOMPARE(catalogue.editorFor("static_response"), QUrl("qrc:/qt/qml/ProxFlow/Ui/editors/StaticResponseEditor.qml"));
        QCOMPARE(catalogue.editorFor("vars"), QUrl("qrc:/qt/qml/ProxFlow/Ui/editors/GenericHandlerEditor.qml"));
        QCOMPARE(catalogue.editorFor("no_such_handler"), QUrl("qrc:/qt/qml/ProxFlow/Ui/editors/GenericHandlerEditor.qml"));
        for (const char* file : {"ReverseProxyEditor", "StaticResponseEditor", "GenericHandlerEditor"})
            QVERIFY2(QFile::exists(QStringLiteral(":/qt/qml/ProxFlow/Ui/editors/%1.qml").arg(file)), file);
        QVERIFY(role(catalogue, catalogue.indexOf("reverse_proxy"), "hasEditor").toBool());
        QVERIFY(!role(catalogue, catalogue.indexOf("vars"), "hasEditor").toBool());
    }

    void countries_sort_by_any_column_both_ways() {
        CountryModel countries;
        QAbstractItemModelTester tester(&countries, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Snapshot snap;
        for (const auto& [code, requests, latency] : {std::tuple{"DE", 5, 2.0}, {"local", 20, 1.0}, {"BR", 10, 9.0}}) {
            proxflow::metrics::CountryStats c;
            c.code = code;
            c.requests = requests;
            c.mean_latency_ms = latency;
            snap.countries.push_back(c);
        }
        countries.update(snap);
        QCOMPARE(role(countries, 0, "code").toString(), QStringLiteral("local"));
        QCOMPARE(role(countries, 0, "share").toDouble(), 20.0 / 35 * 100);
        countries.sortBy("code");
        QCOMPARE(role(countries, 0, "code").toString(), QStringLiteral("BR"));
        countries.sortBy("code");
        QCOMPARE(role(countries, 0, "code").toString(), QStringLiteral("local"));
        countries.sortBy("meanLatencyMs");
        QCOMPARE(role(countries, 0, "code").toString(), QStringLiteral("BR"));
    }

    void traffic_feeds_series_relative_to_now() {
        TrafficStats traffic;
        Snapshot snap;
        snap.taken_unix_ms = 1000'000;
        snap.series = {{.unix_second = 998, .requests = 7, .errors = 1, .p50_ms = 1, .p95_ms = 2, .p99_ms = 30},
                       {.unix_second = 999, .requests = 70, .errors = 0, .p50_ms = 1, .p95_ms = 2, .p99_ms = 3}};
        snap.active_connections = 4;
        QSignalSpy updated(&traffic, &TrafficStats::updated);
        traffic.update(snap);
        QCOMPARE(updated.count(), 1);
        const auto requests = traffic.points("requests");
        QCOMPARE(requests.size(), 2);
        QCOMPARE(requests[1], QPointF(-1, 70));
        QCOMPARE(traffic.points("errors")[0], QPointF(-2, 1));
        QCOMPARE(traffic.points("connections").size(), 1);
        QCOMPARE(traffic.maxRate(), 100.0);
        QCOMPARE(traffic.maxLatency(), 50.0);
    }

    void history_keeps_snapshots_newest_first_and_diffs_them() {
        HistoryModel history;
        QAbstractItemModelTester tester(&history, QAbstractItemModelTester::FailureReportingMode::QtTest);
        history.add({{"a", 1}, {"b", 2}}, "first");
        history.add({{"a", 1}, {"b", 3}}, "second");
        QCOMPARE(history.rowCount(), 2);
        QCOMPARE(role(history, 0, "note").toString(), QStringLiteral("second"));
        const QVariantList diff = history.diff(1, 0);
        QStringList changed;
        for (const auto& line : diff)
            if (line.toMap()["kind"] != " ") changed << line.toMap()["kind"].toString() + line.toMap()["text"].toString().trimmed();
        QCOMPARE(changed, (QStringList{"-\"b\": 2", "+\"b\": 3"}));

        QTemporaryDir dir;
        QVERIFY(history.save(dir.filePath("h.json")));
        HistoryModel restored;
        QVERIFY(restored.restore(dir.filePath("h.json")));
        QCOMPARE(restored.rowCount(), 2);
        QCOMPARE(restored.configAt(1), (json{{"a", 1}, {"b", 2}}));
    }

    void a_long_diff_keeps_only_context_around_changes() {
        QStringList a, b;
        for (int i = 0; i < 40; ++i) a << QString::number(i);
        b = a;
        b[20] = "changed";
        const QVariantList hunk = withContext(lineDiff(a, b), 2);
        QCOMPARE(hunk.size(), 1 + 2 + 2 + 2 + 1); // gap, context, -/+, context, gap
        QCOMPARE(hunk.first().toMap()["kind"].toString(), QStringLiteral("@"));
    }

    void servers_list_the_embedded_engine_first_and_remember_the_remotes() {
        QTemporaryDir dir;
        const QString file = dir.filePath("servers.json");
        ServerListModel servers;
        QAbstractItemModelTester tester(&servers, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(servers.rowCount(), 1);
        QVERIFY(role(servers, 0, "local").toBool());
        QCOMPARE(servers.add(" 10.0.0.5:2019 "), 1);
        QCOMPARE(servers.add("http://caddy.lan:2019"), 2);
        QCOMPARE(servers.add("10.0.0.5:2019"), 1); // known already
        QCOMPARE(servers.add(""), -1);
        QCOMPARE(servers.rowOf("http://caddy.lan:2019"), 2);
        QCOMPARE(servers.rowOf("elsewhere:2019"), 0);
        servers.remove(0); // the embedded engine stays
        QCOMPARE(servers.rowCount(), 3);
        QVERIFY(servers.save(file));

        ServerListModel restored;
        QVERIFY(restored.restore(file));
        QCOMPARE(restored.remoteAddresses(), QStringList({"10.0.0.5:2019", "http://caddy.lan:2019"}));
        restored.remove(1);
        QCOMPARE(restored.remoteAddresses(), QStringList({"http://caddy.lan:2019"}));
        QVERIFY(role(restored, 0, "local").toBool());
    }

    void metric_totals_read_proxflow_and_caddy_pages() {
        const MetricTotals proxflow = metricTotals(QStringLiteral(
            "# HELP proxflow_http_requests_total Requests served, by server.\n"
            "# TYPE proxflow_http_requests_total counter\n"
            "proxflow_http_requests_total{server=\"a\"} 12\n"
            "proxflow_http_requests_total{server=\"b\"} 30\n"
            "proxflow_http_responses_total{server=\"a\",code_class=\"2xx\"} 10\n"
            "proxflow_http_responses_total{server=\"a\",code_class=\"5xx\"} 2\n"
            "proxflow_http_route_requests_total{server=\"a\",route=\"routes[0]\"} 12\n"));
        QVERIFY(proxflow.found);
        QCOMPARE(proxflow.requests, 42.0);
        QCOMPARE(proxflow.errors, 2.0);
        const MetricTotals caddy = metricTotals(QStringLiteral(
            "caddy_http_requests_total{handler=\"reverse_proxy\",server=\"srv0\"} 1.5e3\n"
            "go_goroutines 12\n"));
        QVERIFY(caddy.found);
        QCOMPARE(caddy.requests, 1500.0);
        QVERIFY(!metricTotals(QStringLiteral("go_goroutines 12\n")).found);
        const MetricTotals limited = metricTotals(QStringLiteral(
            "proxflow_http_requests_total{server=\"a\"} 100\n"
            "proxflow_rate_limit_requests_total{zone=\"api\",result=\"allowed\"} 60\n"
            "proxflow_rate_limit_requests_total{zone=\"api\",result=\"rejected\"} 30\n"
            "proxflow_rate_limit_requests_total{zone=\"api\",result=\"dropped\"} 4\n"
            "proxflow_rate_limit_requests_total{zone=\"api\",result=\"delayed\"} 6\n"));
        QCOMPARE(limited.rateLimited, 34.0);
    }
};

QTEST_GUILESS_MAIN(ModelsTest)
#include "models_test.moc"
