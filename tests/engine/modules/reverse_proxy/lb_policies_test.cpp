#include "modules/reverse_proxy/lb_policies.hpp"

#include "../../request_fixture.hpp"

#include "../../json_text.hpp"

#include <QtTest>

#include <map>

using namespace proxflow;
using proxflow::test::q;
using proxflow::test::RequestFixture;

namespace {

struct Pool {
    explicit Pool(int n) {
        for (int i = 0; i < n; ++i)
            upstreams.push_back(Upstream::from_dial("127.0.0.1:" + std::to_string(9001 + i), "u", hosts));
    }
    UsagePool hosts;
    std::vector<Upstream> upstreams;
};

std::map<std::string, int> spread(const SelectionPolicy& policy, Pool& pool, int requests,
                                  const std::string& raw = "GET / HTTP/1.1\r\nHost: a\r\n\r\n") {
    std::map<std::string, int> counts;
    for (int i = 0; i < requests; ++i) {
        RequestFixture f(raw);
        const Upstream* up = policy.select(pool.upstreams, *f.ctx);
        counts[up ? up->dial : "none"]++;
    }
    return counts;
}

std::unique_ptr<SelectionPolicy> policy(const std::string& text, std::size_t n) {
    const auto config = SelectionPolicyConfig::from_json(json::parse(text), "selection_policy");
    return make_selection_policy(&config, n);
}

} // namespace

class LbPoliciesTest : public QObject {
    Q_OBJECT
private slots:
    void round_robin_alternates_exactly() {
        Pool pool(3);
        auto p = policy(q("{'policy': 'round_robin'}"), 3);
        const auto counts = spread(*p, pool, 300);
        for (const auto& up : pool.upstreams) QCOMPARE(counts.at(up.dial), 100);
    }

    void weighted_round_robin_follows_the_weights() {
        Pool pool(2);
        auto p = policy(q("{'policy': 'weighted_round_robin', 'weights': [3, 1]}"), 2);
        const auto counts = spread(*p, pool, 400);
        QCOMPARE(counts.at("127.0.0.1:9001"), 300);
        QCOMPARE(counts.at("127.0.0.1:9002"), 100);
    }

    void first_takes_the_first_available() {
        Pool pool(2);
        auto p = policy(q("{'policy': 'first'}"), 2);
        QCOMPARE(spread(*p, pool, 10).at("127.0.0.1:9001"), 10);
        pool.upstreams[0].host->active_unhealthy = true;
        QCOMPARE(spread(*p, pool, 10).at("127.0.0.1:9002"), 10);
    }

    void least_conn_avoids_the_busy_upstream() {
        Pool pool(2);
        pool.upstreams[0].host->active_requests = 5;
        auto p = policy(q("{'policy': 'least_conn'}"), 2);
        QCOMPARE(spread(*p, pool, 20).at("127.0.0.1:9002"), 20);
    }

    void random_reaches_every_upstream() {
        Pool pool(3);
        auto p = policy(q("{'policy': 'random'}"), 3);
        const auto counts = spread(*p, pool, 600);
        for (const auto& up : pool.upstreams) QVERIFY2(counts.at(up.dial) > 120, up.dial.c_str());
    }

    void hash_policies_stick_to_one_upstream_per_key() {
        Pool pool(4);
        auto uri = policy(q("{'policy': 'uri_hash'}"), 4);
        QCOMPARE(spread(*uri, pool, 20, "GET /cart/1 HTTP/1.1\r\nHost: a\r\n\r\n").size(), std::size_t(1));
        auto header = policy(q("{'policy': 'header', 'field': 'X-User'}"), 4);
        QCOMPARE(spread(*header, pool, 20, "GET / HTTP/1.1\r\nHost: a\r\nX-User: ada\r\n\r\n").size(), std::size_t(1));
        auto query = policy(q("{'policy': 'query', 'key': 'user'}"), 4);
        QCOMPARE(spread(*query, pool, 20, "GET /?user=ada HTTP/1.1\r\nHost: a\r\n\r\n").size(), std::size_t(1));
        auto ip = policy(q("{'policy': 'ip_hash'}"), 4);
        QCOMPARE(spread(*ip, pool, 20).size(), std::size_t(1));
    }

    void no_available_upstream_selects_nothing() {
        Pool pool(2);
        for (auto& up : pool.upstreams) up.host->active_unhealthy = true;
        auto p = policy(q("{'policy': 'round_robin'}"), 2);
        QCOMPARE(spread(*p, pool, 3).at("none"), 3);
    }

    void an_unknown_policy_names_its_path() {
        try {
            policy(q("{'policy': 'fastest'}"), 2);
            QFAIL("accepted an unknown policy");
        } catch (const ConfigError& e) {
            QCOMPARE(QString::fromStdString(e.path()), QString("selection_policy.policy"));
        }
    }
};

QTEST_APPLESS_MAIN(LbPoliciesTest)
#include "lb_policies_test.moc"
