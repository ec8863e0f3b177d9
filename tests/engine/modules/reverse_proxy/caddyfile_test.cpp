// reverse_proxy's ProxFlow subdirectives in Caddyfile form: `circuit_breaker intelligent { }` and
// `lb_policy adaptive { }` adapt to their JSON, export back to the same, and a bad value is named by
// file:line and directive.
#include "caddyfile/adapter.hpp"
#include "caddyfile/exporter.hpp"

#include <QtTest>

using namespace proxflow;
using nlohmann::json;
namespace cf = proxflow::caddyfile;

namespace {

std::string adapt_error(const std::string& caddyfile) {
    try {
        cf::adapt(caddyfile, "Caddyfile");
    } catch (const cf::AdaptError& e) {
        return e.what();
    }
    return "";
}

json adapted_handler(const std::string& proxy_body) {
    const json config = cf::adapt(":8080 {\n\treverse_proxy 127.0.0.1:9001 127.0.0.1:9002 {\n" + proxy_body + "\n\t}\n}\n", "Caddyfile");
    return config["apps"]["http"]["servers"]["srv0"]["routes"][0]["handle"][0];
}

} // namespace

class ReverseProxyCaddyfileTest : public QObject {
    Q_OBJECT
private slots:
    void circuit_breaker_adapts_to_its_json() {
        const json h = adapted_handler("circuit_breaker intelligent {\n failure_threshold 0.25\n recovery_timeout 10s\n"
                                       " half_open_max_requests 5\n latency_threshold 2s\n min_requests 20\n"
                                       " evaluation_window 30s\n ramp_up_duration 0\n failure_status 5xx 429\n}");
        QCOMPARE(h["circuit_breaker"], json::parse(R"({"type": "intelligent", "failure_threshold": 0.25, "recovery_timeout": 10000000000,
            "half_open_max_requests": 5, "latency_threshold": 2000000000, "min_requests": 20, "evaluation_window": 30000000000,
            "ramp_up_duration": 0, "failure_status": [5, 429]})"));
        QCOMPARE(adapted_handler("circuit_breaker intelligent")["circuit_breaker"], json({{"type", "intelligent"}}));
    }

    void adaptive_adapts_to_its_json() {
        const json h = adapted_handler("lb_policy adaptive {\n history_length 5\n update_interval 1s\n alpha 0.5\n}");
        QCOMPARE(h["load_balancing"]["selection_policy"],
                 json::parse(R"({"policy": "adaptive", "history_length": 5, "update_interval": 1000000000, "alpha": 0.5})"));
        QCOMPARE(adapted_handler("lb_policy adaptive")["load_balancing"]["selection_policy"], json({{"policy", "adaptive"}}));
    }

    void an_export_reads_back_the_same() {
        const std::string site = ":8080 {\n\treverse_proxy 127.0.0.1:9001 127.0.0.1:9002 {\n"
                                 "\t\tcircuit_breaker intelligent {\n\t\t\tfailure_threshold 0.3\n\t\t\tramp_up_duration 5s\n"
                                 "\t\t\tfailure_status 502 503\n\t\t}\n"
                                 "\t\tlb_policy adaptive {\n\t\t\tupdate_interval 2s\n\t\t\talpha 0.6\n\t\t}\n\t}\n}\n";
        const json config = cf::adapt(site, "Caddyfile");
        const std::string exported = cf::export_caddyfile(config).caddyfile;
        QVERIFY2(exported.find("circuit_breaker intelligent {") != std::string::npos, exported.c_str());
        QVERIFY2(exported.find("lb_policy adaptive {") != std::string::npos, exported.c_str());
        QCOMPARE(cf::adapt(exported, "Caddyfile"), config);
        const cf::ExportResult stock = cf::export_caddyfile(config, true);
        QVERIFY2(stock.caddyfile.find("circuit_breaker") == std::string::npos, stock.caddyfile.c_str());
        QVERIFY2(stock.caddyfile.find("adaptive") == std::string::npos, stock.caddyfile.c_str());
        QCOMPARE(stock.warnings.size(), std::size_t(2));
        const std::string bare = cf::export_caddyfile(cf::adapt(":8080 {\n\treverse_proxy a:1 {\n\t\tcircuit_breaker intelligent\n\t}\n}\n", "Caddyfile")).caddyfile;
        QVERIFY2(bare.find("circuit_breaker intelligent\n") != std::string::npos, bare.c_str());
    }

    void mistakes_are_named_by_line() {
        const auto in_proxy = [](const std::string& lines) { return ":80 {\n\treverse_proxy a:1 {\n" + lines + "\n\t}\n}\n"; };
        QVERIFY(adapt_error(in_proxy("\t\tcircuit_breaker latency")).starts_with("Caddyfile:3: "));
        QVERIFY(adapt_error(in_proxy("\t\tcircuit_breaker latency")).find("unknown circuit breaker type 'latency'") != std::string::npos);
        const std::string threshold = adapt_error(in_proxy("\t\tcircuit_breaker intelligent {\n\t\t\tfailure_threshold 1.5\n\t\t}"));
        QVERIFY2(threshold.starts_with("Caddyfile:4: ") && threshold.find("failure_threshold must be a rate above 0 and at most 1") != std::string::npos,
                 threshold.c_str());
        const std::string negative = adapt_error(in_proxy("\t\tcircuit_breaker intelligent {\n\t\t\trecovery_timeout -5s\n\t\t}"));
        QVERIFY2(negative.starts_with("Caddyfile:4: ") && negative.find("recovery_timeout must be positive") != std::string::npos, negative.c_str());
        const std::string alpha = adapt_error(in_proxy("\t\tlb_policy adaptive {\n\t\t\talpha 1.5\n\t\t}"));
        QVERIFY2(alpha.starts_with("Caddyfile:4: ") && alpha.find("alpha must be above 0 and at most 1") != std::string::npos, alpha.c_str());
        const std::string zero = adapt_error(in_proxy("\t\tlb_policy adaptive {\n\t\t\talpha 0\n\t\t}"));
        QVERIFY2(zero.starts_with("Caddyfile:4: "), zero.c_str());
        const std::string unknown = adapt_error(in_proxy("\t\tcircuit_breaker intelligent {\n\t\t\tspeed 2\n\t\t}"));
        QVERIFY2(unknown.starts_with("Caddyfile:4: ") && unknown.find("unrecognized circuit_breaker option 'speed'") != std::string::npos,
                 unknown.c_str());
        QVERIFY(adapt_error(in_proxy("\t\tcircuit_breaker intelligent\n\t\tcircuit_breaker intelligent")).starts_with("Caddyfile:4: "));
    }
};

QTEST_APPLESS_MAIN(ReverseProxyCaddyfileTest)
#include "caddyfile_test.moc"
