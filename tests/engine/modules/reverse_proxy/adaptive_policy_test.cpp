// lb_policy adaptive: predictions from recorded intervals, weights from predictions, choices from both.
#include "modules/reverse_proxy/adaptive_policy.hpp"

#include "../../request_fixture.hpp"

#include "../../json_text.hpp"

#include <QtTest>

#include <map>
#include <thread>

using namespace proxflow;
using namespace std::chrono_literals;
using proxflow::test::q;
using proxflow::test::RequestFixture;

namespace {

struct Pool {
    explicit Pool(int n) {
        for (int i = 0; i < n; ++i) upstreams.push_back(Upstream::from_dial("127.0.0.1:" + std::to_string(9001 + i), "u", hosts));
    }
    UpstreamHost& host(int i) { return *upstreams[static_cast<std::size_t>(i)].host; }
    UsagePool hosts;
    std::vector<Upstream> upstreams;
};

std::unique_ptr<SelectionPolicy> adaptive(std::chrono::milliseconds interval) {
    return make_adaptive_policy({.history_length = 10, .update_interval = interval, .alpha = 0.3});
}

std::map<std::string, int> spread(const SelectionPolicy& policy, Pool& pool, int requests) {
    std::map<std::string, int> counts;
    RequestFixture f("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    for (int i = 0; i < requests; ++i) {
        const Upstream* up = policy.select(pool.upstreams, *f.ctx);
        counts[up ? up->dial : "none"]++;
    }
    return counts;
}

// Records latencies for each upstream, then lets one update_interval pass and triggers the update.
void one_interval(const SelectionPolicy& policy, Pool& pool, const std::vector<std::chrono::milliseconds>& latencies,
                  std::chrono::milliseconds interval) {
    for (std::size_t i = 0; i < latencies.size(); ++i)
        for (int n = 0; n < 10; ++n) pool.host(static_cast<int>(i)).load.record(latencies[i]);
    std::this_thread::sleep_for(interval + 5ms);
    spread(policy, pool, 1);
}

} // namespace

class AdaptivePolicyTest : public QObject {
    Q_OBJECT
private slots:
    void smoothing_weighs_recent_intervals_by_alpha() {
        const std::vector<double> history{10, 20, 40};
        // s = 10; s = 0.5*20 + 0.5*10 = 15; s = 0.5*40 + 0.5*15 = 27.5
        QCOMPARE(smoothed_prediction(history, 0.5), 27.5);
        QCOMPARE(smoothed_prediction(history, 1.0), 40.0);
        const std::vector<double> one{7};
        QCOMPARE(smoothed_prediction(one, 0.3), 7.0);
    }

    void all_new_upstreams_share_equally() {
        Pool pool(3);
        auto p = adaptive(60s);
        auto counts = spread(*p, pool, 3000);
        for (const auto& up : pool.upstreams) QVERIFY2(counts.at(up.dial) > 800, up.dial.c_str());
    }

    void weights_are_inverse_to_the_predictions() {
        Pool pool(3);
        auto p = adaptive(30ms);
        one_interval(*p, pool, {2ms, 2ms, 10ms}, 30ms);
        QCOMPARE(pool.host(0).load.predicted_ms.load(), 2.0);
        QCOMPARE(pool.host(2).load.predicted_ms.load(), 10.0);
        // 1/2 : 1/2 : 1/10 = 5 : 5 : 1
        QCOMPARE(std::round(pool.host(0).load.weight.load() * 1100) / 100, 5.0);
        QCOMPARE(std::round(pool.host(2).load.weight.load() * 1100) / 100, 1.0);
        auto counts = spread(*p, pool, 11000);
        // Chosen only when both draws land on it, (1/11)^2: it loses on cost to either fast one.
        QVERIFY2(counts["127.0.0.1:9003"] < 500, std::to_string(counts["127.0.0.1:9003"]).c_str());
    }

    void an_upstream_without_history_gets_the_average_weight() {
        Pool pool(3);
        auto p = adaptive(30ms);
        one_interval(*p, pool, {2ms, 4ms}, 30ms); // the third had no traffic
        QCOMPARE(pool.host(2).load.predicted_ms.load(), -1.0);
        const double w0 = pool.host(0).load.weight.load(), w1 = pool.host(1).load.weight.load(), w2 = pool.host(2).load.weight.load();
        QVERIFY(std::abs(w2 - (w0 + w1) / 2) < 1e-9);
        QVERIFY(std::abs(w0 + w1 + w2 - 1) < 1e-9);
    }

    void in_flight_requests_raise_the_cost() {
        Pool pool(2);
        auto p = adaptive(30ms);
        one_interval(*p, pool, {2ms, 2ms}, 30ms);
        pool.host(0).active_requests = 50;
        auto counts = spread(*p, pool, 1000);
        // Two draws of equal weight pick the idle one unless both land on the busy one (1 in 4).
        QVERIFY2(counts["127.0.0.1:9002"] > 650, std::to_string(counts["127.0.0.1:9002"]).c_str());
        pool.host(0).active_requests = 0;
    }

    void an_unavailable_upstream_is_skipped() {
        Pool pool(2);
        auto p = adaptive(60s);
        pool.host(0).active_unhealthy = true;
        auto counts = spread(*p, pool, 200);
        QCOMPARE(counts["127.0.0.1:9002"], 200);
        pool.host(1).active_unhealthy = true;
        QCOMPARE(spread(*p, pool, 1)["none"], 1);
    }

    void a_half_open_upstream_gets_its_trials_at_once() {
        Pool pool(3);
        auto p = adaptive(60s);
        auto breaker = std::make_shared<CircuitBreaker>(
            CircuitBreakerConfig::from_json(json::parse(q("{'type': 'intelligent', 'recovery_timeout': '20ms'}")), "cb"), nullptr);
        for (auto& up : pool.upstreams) up.breaker = breaker;
        for (int i = 0; i < 10; ++i) breaker->finish(pool.host(2), breaker->begin(pool.host(2)), true);
        QCOMPARE(spread(*p, pool, 100)["127.0.0.1:9003"], 0); // open
        std::this_thread::sleep_for(30ms);
        RequestFixture f("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        QCOMPARE(p->select(pool.upstreams, *f.ctx), &pool.upstreams[2]); // half-open: its trial first
    }

    void bad_settings_name_their_path() {
        const auto error = [](const std::string& text) {
            try {
                SelectionPolicyConfig::from_json(json::parse(q(text.c_str())), "lb");
            } catch (const ConfigError& e) {
                return std::string(e.what());
            }
            return std::string("no error");
        };
        QCOMPARE(error("{'policy': 'adaptive', 'alpha': 1.5}"), std::string("lb.alpha: alpha must be above 0 and at most 1 (got 1.5)"));
        QCOMPARE(error("{'policy': 'adaptive', 'alpha': 0}"), std::string("lb.alpha: alpha must be above 0 and at most 1 (got 0.0)"));
        QCOMPARE(error("{'policy': 'adaptive', 'update_interval': '-1s'}"), std::string("lb.update_interval: update_interval must be positive (got \"-1s\")"));
        QCOMPARE(error("{'policy': 'adaptive', 'history_length': 0}"), std::string("lb.history_length: history_length must be 1 to 10000 intervals (got 0)"));
        QCOMPARE(error("{'policy': 'round_robin', 'alpha': 0.5}"), std::string("lb.alpha: unknown field \"alpha\""));
    }
};

QTEST_APPLESS_MAIN(AdaptivePolicyTest)
#include "adaptive_policy_test.moc"
