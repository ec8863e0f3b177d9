// adapt(export(x)) == x over generated configs that use ProxFlow's own directives beside stock
// ones, and an export for stock Caddy that leaves out only ProxFlow's parts, each named in a warning.
#include "caddyfile/adapter.hpp"
#include "caddyfile/exporter.hpp"

#include <QtTest>

#include <random>
#include <string>
#include <vector>

using nlohmann::json;
namespace cf = proxflow::caddyfile;

namespace {

// A random Caddyfile and its twin without ProxFlow's own directives: what an export for stock
// Caddy should say.
struct GeneratedConfig {
    std::string full, stock;
    void add(const std::string& text, bool own) {
        full += text;
        if (!own) stock += text;
    }
};

class ConfigGenerator {
public:
    explicit ConfigGenerator(unsigned seed) : rng_(seed) {}

    GeneratedConfig caddyfile() {
        GeneratedConfig c;
        if (chance(2)) c.add("{\n" + traffic_metrics() + "}\n\n", true);
        const int sites = pick(1, 3);
        for (int i = 0; i < sites; ++i) site(c, i);
        return c;
    }

private:
    int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
    bool chance(int one_in) { return pick(1, one_in) == 1; }
    std::string any(const std::vector<std::string>& v) { return v[static_cast<std::size_t>(pick(0, static_cast<int>(v.size()) - 1))]; }

    std::string traffic_metrics() {
        if (chance(4)) return "\ttraffic_metrics off\n";
        std::string block = "\ttraffic_metrics {\n";
        if (chance(2)) block += "\t\tgeo_database " + any({"/var/lib/GeoIP/GeoLite2-Country.mmdb", "\"/srv/geo db/dbip.mmdb\""}) + "\n";
        if (chance(2)) block += "\t\tgeo_header " + any({"CF-IPCountry", "X-Country"}) + "\n";
        if (chance(2)) block += "\t\tclient_ip_header X-Forwarded-For\n";
        if (chance(2)) block += "\t\ttrusted_proxies " + any({"private_ranges", "10.0.0.0/8 192.168.0.0/16", "127.0.0.1/32"}) + "\n";
        if (chance(4)) block += "\t\toff\n";
        return block + "\t}\n";
    }

    void site(GeneratedConfig& c, int index) {
        const std::string port = std::to_string(8000 + index * 10 + pick(0, 9));
        c.add(any({":" + port, "http://127.0.0.1:" + port, "http://app" + std::to_string(index) + ".test:" + port}) + " {\n", false);
        const int directives = pick(1, 4);
        for (int d = 0; d < directives; ++d) {
            bool own = false;
            const std::string text = directive(own);
            c.add("\t" + text + "\n", own);
        }
        c.add("}\n\n", false);
    }

    std::string directive(bool& own) {
        switch (pick(0, 5)) {
        case 0:
        case 1: {
            own = true;
            const std::string matcher = any({"", "", "/dash*", "/metrics/live", "/ops/*"});
            const std::string d = "traffic_dashboard" + (matcher.empty() ? "" : " " + matcher);
            if (chance(3)) return d + " " + any({"/dashboard", "/live"});
            std::string block;
            if (chance(2)) block += "\t\tpath " + any({"/dashboard", "/ops/traffic"}) + "\n";
            if (chance(2)) block += "\t\tupdate_interval " + any({"1s", "500ms", "2s", "1m"}) + "\n";
            return block.empty() ? d : d + " {\n" + block + "\t}";
        }
        case 2:
            return "respond " + any({"/health OK 200", "\"hello world\"", "404"});
        case 3:
            return "header " + any({"X-Served-By proxflow", "-Server", "Cache-Control \"no-store\""});
        case 5: {
            own = true;
            const std::string algorithm = any({"", "token_bucket", "leaky_bucket", "sliding_window"});
            std::string block = "\t\trate " + any({"10", "600/m", "0.5", "3600/h"}) + "\n";
            if (!algorithm.empty()) block += "\t\talgorithm " + algorithm + "\n";
            if (algorithm == "sliding_window") {
                if (chance(2)) block += "\t\twindow " + any({"1m", "10s", "1h"}) + "\n";
            } else if (chance(2)) {
                block += "\t\tburst " + any({"1", "5", "100"}) + "\n";
            }
            if (chance(2)) block += "\t\tkey " + any({"ip", "user", "api_key", "header X-Tenant", "{http.request.uri.query.team}"}) + "\n";
            if (chance(2)) block += "\t\treject " + any({"429", "503", "delay", "drop"}) + "\n";
            if (chance(3)) block += "\t\tmax_delay " + any({"1s", "250ms"}) + "\n";
            if (chance(3)) block += "\t\tzone " + any({"api", "login"}) + "\n";
            if (chance(3))
                block += "\t\tdistributed {\n\t\t\tredis {\n\t\t\t\taddress 127.0.0.1:" + any({"6379", "6380"}) +
                         "\n\t\t\t}\n\t\t\tsync_interval " + any({"0s", "5s", "30s"}) + "\n\t\t}\n";
            return "rate_limit " + any({"", "/api/*", "/login"}) + " {\n" + block + "\t}";
        }
        default:
            return "reverse_proxy " + any({"/api/*", ""}) + " 127.0.0.1:9001 127.0.0.1:9002 {\n\t\tlb_policy " +
                   any({"round_robin", "least_conn", "first", "ip_hash"}) + "\n\t}";
        }
    }

    std::mt19937 rng_;
};

int count_proxflow_parts(const json& value) {
    int n = 0;
    if (value.is_object()) {
        const std::string handler = value.value("handler", "");
        if (handler == "traffic_dashboard" || handler == "rate_limit") ++n;
        for (const auto& [key, v] : value.items()) n += (key == "traffic_metrics") + count_proxflow_parts(v);
    } else if (value.is_array()) {
        for (const auto& v : value) n += count_proxflow_parts(v);
    }
    return n;
}

} // namespace

class ExporterRoundTripTest : public QObject {
    Q_OBJECT
private slots:
    void exported_proxflow_directives_adapt_back_to_the_same_config() {
        int with_own_parts = 0;
        for (unsigned seed = 1; seed <= 400; ++seed) {
            const std::string text = ConfigGenerator(seed).caddyfile().full;
            const json config = cf::adapt(text, "generated.caddyfile");
            if (count_proxflow_parts(config) > 0) ++with_own_parts;
            const std::string exported = cf::export_caddyfile(config).caddyfile;
            const json again = cf::adapt(exported, "exported.caddyfile");
            QVERIFY2(again == config, ("seed " + std::to_string(seed) + "\n" + text + "--- exported ---\n" + exported).c_str());
        }
        QVERIFY2(with_own_parts > 300, "the generator should mostly make configs with ProxFlow's directives");
    }

    void an_export_for_stock_caddy_drops_only_proxflow_parts_and_names_each() {
        for (unsigned seed = 1; seed <= 400; ++seed) {
            const GeneratedConfig generated = ConfigGenerator(seed).caddyfile();
            const json config = cf::adapt(generated.full, "generated.caddyfile");
            const cf::ExportResult stock = cf::export_caddyfile(config, true);
            QVERIFY(stock.caddyfile.find("traffic_") == std::string::npos);
            QVERIFY(stock.caddyfile.find("rate_limit") == std::string::npos);
            QCOMPARE(static_cast<int>(stock.warnings.size()), count_proxflow_parts(config));
            const json again = cf::adapt(stock.caddyfile, "stock.caddyfile");
            QVERIFY2(again == cf::adapt(generated.stock, "stock-twin.caddyfile"),
                     ("seed " + std::to_string(seed) + "\n" + generated.full + "--- exported ---\n" + stock.caddyfile).c_str());
        }
    }
};

QTEST_APPLESS_MAIN(ExporterRoundTripTest)
#include "exporter_roundtrip_test.moc"
