// The rate_limit handler's JSON and Caddyfile: one round trip, defaults left out, and every mistake
// an operator can make named where it was made (a JSON path, or file:line and the directive).
#include "caddyfile/adapter.hpp"
#include "caddyfile/exporter.hpp"
#include "modules/rate_limit/rate_limit_config.hpp"

#include <QtTest>

using namespace proxflow;
namespace cf = proxflow::caddyfile;

namespace {

RateLimitConfig read(const json& j) {
    ObjectReader r(j, "handle.0");
    r.skip("handler");
    return RateLimitConfig::from_json(r);
}

std::string config_error(const json& j) {
    try {
        read(j);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

std::string adapt_error(const std::string& caddyfile) {
    try {
        cf::adapt(caddyfile, "Caddyfile");
    } catch (const cf::AdaptError& e) {
        return e.what();
    }
    return "";
}

// The rate_limit handler of a one-site Caddyfile's first route.
json adapted_handler(const std::string& site_body) {
    const json config = cf::adapt(":8080 {\n" + site_body + "\n}\n", "Caddyfile");
    const json& route = config["apps"]["http"]["servers"]["srv0"]["routes"][0];
    return route["handle"][0];
}

} // namespace

class RateLimitConfigTest : public QObject {
    Q_OBJECT
private slots:
    void defaults_are_left_out_and_everything_else_round_trips() {
        const json minimal{{"handler", "rate_limit"}, {"rate", 10}};
        QCOMPARE(read(minimal).to_json(), json({{"rate", 10}}));
        const json full{{"handler", "rate_limit"},
                        {"zone", "api"},
                        {"algorithm", "leaky_bucket"},
                        {"rate", "600/m"},
                        {"burst", 20},
                        {"key", "{http.request.header.X-Tenant}"},
                        {"reject", "delay"},
                        {"max_delay", 2000000000},
                        {"max_keys", 5000},
                        {"distributed", {{"redis", {{"address", "127.0.0.1:6380"}, {"password", "s3"}, {"db", 2}}}, {"sync_interval", 0}, {"fail_closed", true}}}};
        const RateLimitConfig c = read(full);
        QCOMPARE(c.rate.per_second(), 10.0);
        json back = c.to_json();
        back["handler"] = "rate_limit";
        QCOMPARE(back, full);
        QCOMPARE(read(back), c);
    }

    void the_applied_sizes_follow_each_algorithm() {
        QCOMPARE(read({{"rate", 10}}).bucket_size(), 10);        // a token bucket holds one second of rate
        QCOMPARE(read({{"rate", 0.2}}).bucket_size(), 1);        // and at least one token
        QCOMPARE(read({{"rate", 10}, {"algorithm", "leaky_bucket"}}).bucket_size(), 0); // nginx: no burst
        QCOMPARE(read({{"rate", "600/m"}, {"algorithm", "sliding_window"}, {"window", "1m"}}).window_limit(), 600);
        QCOMPARE(read({{"rate", 10}, {"algorithm", "sliding_window"}}).window_limit(), 10);
        QCOMPARE(read({{"rate", 10}, {"reject", "503"}}).reject_status(), 503u);
    }

    void json_mistakes_name_their_path() {
        QVERIFY(config_error({{"algorithm", "token_bucket"}}).starts_with("handle.0.rate: a rate is required"));
        QVERIFY(config_error({{"rate", 0}}).starts_with("handle.0.rate: the rate must be above 0"));
        QVERIFY(config_error({{"rate", -3}}).starts_with("handle.0.rate:"));
        QVERIFY(config_error({{"rate", "10/d"}}).starts_with("handle.0.rate: a rate's unit is s, m or h"));
        QVERIFY(config_error({{"rate", 1}, {"algorithm", "fixed"}}).starts_with("handle.0.algorithm: unknown algorithm \"fixed\""));
        QVERIFY(config_error({{"rate", 1}, {"algorithm", "sliding_window"}, {"burst", 3}}).starts_with("handle.0.burst: burst applies to token_bucket and leaky_bucket"));
        QVERIFY(config_error({{"rate", 1}, {"window", "1m"}}).starts_with("handle.0.window: window applies to sliding_window only"));
        QVERIFY(config_error({{"rate", 1}, {"reject", "302"}}).starts_with("handle.0.reject:"));
        QVERIFY(config_error({{"rate", 1}, {"distributed", {{"redis", {{"address", "nowhere:99999"}}}}}}).starts_with("handle.0.distributed.redis.address:"));
        QVERIFY(config_error({{"rate", 1}, {"burts", 3}}).starts_with("handle.0.burts:"));
    }

    void the_caddyfile_reads_into_the_same_json() {
        QCOMPARE(adapted_handler("rate_limit {\n rate 600/m\n burst 5\n key header X-Api-Token\n reject delay\n max_delay 1s\n}"),
                 json({{"handler", "rate_limit"}, {"rate", "600/m"}, {"burst", 5}, {"key", "{http.request.header.X-Api-Token}"},
                       {"reject", "delay"}, {"max_delay", 1000000000}}));
        QCOMPARE(adapted_handler("rate_limit 10/s"), json({{"handler", "rate_limit"}, {"rate", 10}}));
        QCOMPARE(adapted_handler("rate_limit {\n rate 5\n distributed {\n  redis localhost:6390\n  sync_interval 0\n }\n}"),
                 json({{"handler", "rate_limit"}, {"rate", 5}, {"distributed", {{"redis", {{"address", "localhost:6390"}}}, {"sync_interval", 0}}}}));
    }

    void caddyfile_mistakes_name_file_line_and_directive() {
        QCOMPARE(QString::fromStdString(adapt_error(":80 {\n\trate_limit {\n\t\trate 0\n\t}\n}\n")),
                 QString("Caddyfile:3: rate_limit: the rate must be above 0, not 0"));
        QVERIFY(adapt_error(":80 {\n\trate_limit {\n\t\talgorithm fixed\n\t\trate 1\n\t}\n}\n").starts_with("Caddyfile:3: rate_limit: unknown algorithm 'fixed'"));
        QCOMPARE(QString::fromStdString(adapt_error(":80 {\n\trate_limit {\n\t\trate 5\n\t\tburst 2\n\t\talgorithm sliding_window\n\t}\n}\n")).left(38),
                 QString("Caddyfile:4: rate_limit: burst: burst "));
        QVERIFY(adapt_error(":80 {\n\trate_limit {\n\t\tburst 2\n\t}\n}\n").starts_with("Caddyfile:"));
        QVERIFY(adapt_error(":80 {\n\trate_limit {\n\t\trate 1\n\t\tspeed 2\n\t}\n}\n").starts_with("Caddyfile:4: rate_limit: unrecognized rate_limit option 'speed'"));
    }

    void an_export_writes_what_was_read() {
        const std::string site = ":8080 {\n\trate_limit /api/* {\n\t\tzone api\n\t\talgorithm sliding_window\n\t\trate 600/m\n\t\twindow 1m\n"
                                 "\t\tkey header X-Tenant\n\t\treject drop\n\t\tdistributed {\n\t\t\tredis {\n\t\t\t\taddress 127.0.0.1:6380\n"
                                 "\t\t\t\tdb 1\n\t\t\t}\n\t\t\tsync_interval 5s\n\t\t}\n\t}\n}\n";
        const json config = cf::adapt(site, "Caddyfile");
        const std::string exported = cf::export_caddyfile(config).caddyfile;
        QVERIFY2(exported.find("key header X-Tenant") != std::string::npos, exported.c_str());
        QCOMPARE(cf::adapt(exported, "Caddyfile"), config);
        const cf::ExportResult stock = cf::export_caddyfile(config, true);
        QVERIFY(stock.caddyfile.find("rate_limit") == std::string::npos);
        QCOMPARE(stock.warnings.size(), std::size_t(1));
    }
};

QTEST_APPLESS_MAIN(RateLimitConfigTest)
#include "rate_limit_config_test.moc"
