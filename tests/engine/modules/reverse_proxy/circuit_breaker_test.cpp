// The circuit of one upstream through its phases, driven by recorded outcomes and short timeouts.
#include "modules/reverse_proxy/circuit_breaker.hpp"
#include "modules/reverse_proxy/upstream.hpp"

#include "../../json_text.hpp"

#include <QtTest>

#include <thread>

using namespace proxflow;
using namespace std::chrono_literals;
using proxflow::test::q;
using Attempt = CircuitBreaker::Attempt;

namespace {

CircuitBreakerConfig config(const std::string& fields) {
    return CircuitBreakerConfig::from_json(json::parse(q(("{'type': 'intelligent'" + (fields.empty() ? "" : ", " + fields) + "}").c_str())), "cb");
}

struct Fixture {
    explicit Fixture(const std::string& fields)
        : events(std::make_shared<CircuitEventLog>()), breaker(std::make_shared<CircuitBreaker>(config(fields), events)),
          up(Upstream::from_dial("127.0.0.1:9001", "u", hosts)) {
        up.breaker = breaker;
        breaker->watch(*up.host);
    }
    CircuitPhase phase() const { return up.host->circuit.phase.load(); }
    void outcomes(int n, bool failed) {
        for (int i = 0; i < n; ++i) breaker->finish(*up.host, breaker->begin(*up.host), failed);
    }
    UsagePool hosts;
    std::shared_ptr<CircuitEventLog> events;
    std::shared_ptr<CircuitBreaker> breaker;
    Upstream up;
};

// Opens f's circuit and waits out its recovery_timeout, so the next selection half-opens it.
void open_and_wait(Fixture& f, std::chrono::milliseconds recovery) {
    f.outcomes(10, true);
    QCOMPARE(f.phase(), CircuitPhase::open);
    std::this_thread::sleep_for(recovery + 10ms);
}

} // namespace

class CircuitBreakerTest : public QObject {
    Q_OBJECT
private slots:
    void opens_once_the_failure_rate_reaches_the_threshold() {
        Fixture f("");
        f.outcomes(5, false);
        f.outcomes(4, true); // 4 of 9: below 0.5, and below min_requests
        QCOMPARE(f.phase(), CircuitPhase::closed);
        f.outcomes(1, true); // 5 of 10 = 0.5
        QCOMPARE(f.phase(), CircuitPhase::open);
        QVERIFY(!f.up.available());
        const auto events = f.events->latest();
        QCOMPARE(events.size(), std::size_t(1));
        QCOMPARE(events[0].from, std::string("closed"));
        QCOMPARE(events[0].to, std::string("open"));
        QCOMPARE(events[0].reason, std::string("failure rate 0.500 >= 0.500 over 10 attempts in 60.000s"));
    }

    void never_decides_below_min_requests() {
        Fixture f("'min_requests': 20");
        f.outcomes(19, true);
        QCOMPARE(f.phase(), CircuitPhase::closed);
        f.outcomes(1, true);
        QCOMPARE(f.phase(), CircuitPhase::open);
    }

    void a_low_failure_rate_keeps_it_closed() {
        Fixture f("'failure_threshold': 0.3");
        for (int i = 0; i < 100; ++i) f.outcomes(1, i % 4 == 3); // 25 %, never above
        QCOMPARE(f.phase(), CircuitPhase::closed);
    }

    void the_window_slides_so_old_failures_are_forgotten() {
        Fixture f("'evaluation_window': '120ms'");
        f.outcomes(9, true);
        std::this_thread::sleep_for(150ms);
        QCOMPARE(f.up.host->circuit.window.totals(std::chrono::steady_clock::now()).attempts, std::uint64_t(0));
        f.outcomes(1, true); // one failure in the window now: below min_requests
        QCOMPARE(f.phase(), CircuitPhase::closed);
    }

    void slow_answers_and_listed_statuses_are_failures() {
        Fixture f("'latency_threshold': '100ms', 'failure_status': [5, 429]");
        QVERIFY(f.breaker->is_failure(200, 150ms));
        QVERIFY(!f.breaker->is_failure(200, 50ms));
        QVERIFY(f.breaker->is_failure(502, 1ms));
        QVERIFY(f.breaker->is_failure(429, 1ms));
        QVERIFY(!f.breaker->is_failure(404, 1ms));
    }

    void half_open_admits_exactly_the_trials_allowed() {
        Fixture f("'recovery_timeout': '50ms', 'half_open_max_requests': 3");
        open_and_wait(f, 50ms);
        QVERIFY(f.up.available()); // recovery_timeout passed: half-open now
        QCOMPARE(f.phase(), CircuitPhase::half_open);
        std::vector<Attempt> trials;
        for (int i = 0; i < 3; ++i) trials.push_back(f.breaker->begin(*f.up.host));
        for (Attempt a : trials) QCOMPARE(a, Attempt::trial);
        QVERIFY(!f.up.available());
        QCOMPARE(f.breaker->begin(*f.up.host), Attempt::refused);
        f.breaker->finish(*f.up.host, trials[0], false);
        f.breaker->finish(*f.up.host, trials[1], false);
        QCOMPARE(f.phase(), CircuitPhase::half_open);
        f.breaker->finish(*f.up.host, trials[2], false);
        QCOMPARE(f.phase(), CircuitPhase::ramp_up);
        QCOMPARE(f.events->latest().back().reason, std::string("3 of 3 half-open trials succeeded"));
    }

    void a_failed_trial_opens_it_again() {
        Fixture f("'recovery_timeout': '50ms'");
        open_and_wait(f, 50ms);
        QVERIFY(f.up.available());
        const Attempt trial = f.breaker->begin(*f.up.host);
        QCOMPARE(trial, Attempt::trial);
        f.breaker->finish(*f.up.host, trial, true);
        QCOMPARE(f.phase(), CircuitPhase::open);
        QVERIFY(!f.up.available());
        QCOMPARE(f.up.host->circuit.trials_in_flight.load(), 0);
    }

    void without_ramp_up_the_trials_close_it() {
        Fixture f("'recovery_timeout': '50ms', 'half_open_max_requests': 1, 'ramp_up_duration': 0");
        open_and_wait(f, 50ms);
        QVERIFY(f.up.available());
        f.outcomes(1, false);
        QCOMPARE(f.phase(), CircuitPhase::closed);
    }

    void ramp_up_admits_a_share_that_rises_with_time() {
        Fixture f("'recovery_timeout': '20ms', 'half_open_max_requests': 1, 'ramp_up_duration': '400ms'");
        open_and_wait(f, 20ms);
        QVERIFY(f.up.available());
        f.outcomes(1, false);
        QCOMPARE(f.phase(), CircuitPhase::ramp_up);
        const auto share = [&] {
            int admitted = 0;
            for (int i = 0; i < 20000; ++i) admitted += f.up.available();
            return admitted / 20000.0;
        };
        const double early = share(); // ~0.1: the floor
        QVERIFY2(early < 0.2, std::to_string(early).c_str());
        std::this_thread::sleep_for(200ms);
        const double middle = share(); // ~0.5
        QVERIFY2(middle > 0.35 && middle < 0.7, std::to_string(middle).c_str());
        {
            const CircuitBreaker::FullShare full_share;
            QVERIFY(f.up.available());
        }
        std::this_thread::sleep_for(250ms);
        QVERIFY(f.up.available());
        QCOMPARE(f.phase(), CircuitPhase::closed);
    }

    void failing_during_ramp_up_opens_it_again() {
        Fixture f("'recovery_timeout': '20ms', 'half_open_max_requests': 1, 'ramp_up_duration': '10s', 'min_requests': 4");
        open_and_wait(f, 20ms);
        QVERIFY(f.up.available());
        f.outcomes(1, false);
        QCOMPARE(f.phase(), CircuitPhase::ramp_up); // the window starts empty: the failures before do not count
        f.outcomes(2, true);
        QCOMPARE(f.phase(), CircuitPhase::ramp_up);
        f.outcomes(2, true);
        QCOMPARE(f.phase(), CircuitPhase::open);
    }

    void recovering_forgets_the_adaptive_history() {
        Fixture f("'recovery_timeout': '20ms', 'half_open_max_requests': 1");
        {
            std::lock_guard lock(f.up.host->load.mutex);
            f.up.host->load.means_ms = {1000, 1000};
            f.up.host->load.predicted_ms = 1000;
        }
        open_and_wait(f, 20ms);
        QVERIFY(f.up.available());
        f.outcomes(1, false);
        QCOMPARE(f.phase(), CircuitPhase::ramp_up);
        QVERIFY(f.up.host->load.means_ms.empty());
        QCOMPARE(f.up.host->load.predicted_ms.load(), -1.0);
    }

    void retry_after_counts_down_to_the_first_half_open() {
        Fixture f("'recovery_timeout': '30s'");
        f.outcomes(10, true);
        const std::vector<Upstream> pool{f.up};
        QCOMPARE(f.breaker->retry_after(pool), 30L);
    }

    void bad_settings_name_their_path() {
        const auto error = [](const std::string& fields) {
            try {
                config(fields);
            } catch (const ConfigError& e) {
                return std::string(e.what());
            }
            return std::string("no error");
        };
        QCOMPARE(error("'failure_threshold': 1.5"), std::string("cb.failure_threshold: failure_threshold must be a rate above 0 and at most 1 (got 1.5)"));
        QCOMPARE(error("'recovery_timeout': '-5s'"), std::string("cb.recovery_timeout: recovery_timeout must be positive (got \"-5s\")"));
        QCOMPARE(error("'ramp_up_duration': '-1s'"), std::string("cb.ramp_up_duration: ramp_up_duration must not be negative (got \"-1s\")"));
        QCOMPARE(error("'half_open_max_requests': 0"), std::string("cb.half_open_max_requests: half_open_max_requests must be at least 1 (got 0)"));
        QCOMPARE(error("'failure_status': [700]"), std::string("cb.failure_status[0]: a status code (100-599) or class (1-5) is expected (got 700)"));
        QCOMPARE(error("'speed': 1"), std::string("cb.speed: unknown field \"speed\""));
        try {
            CircuitBreakerConfig::from_json(json::parse(q("{'type': 'latency'}")), "cb");
            QFAIL("an unknown type was accepted");
        } catch (const ConfigError& e) {
            QCOMPARE(std::string(e.what()), std::string("cb.type: unknown circuit breaker type \"latency\" (ProxFlow has \"intelligent\")"));
        }
    }

    void defaults_are_left_out_of_the_json() {
        QCOMPARE(config("'failure_threshold': 0.5, 'min_requests': 10").to_json(), json({{"type", "intelligent"}}));
        QCOMPARE(config("'min_requests': 3").to_json(), json({{"type", "intelligent"}, {"min_requests", 3}}));
    }
};

QTEST_APPLESS_MAIN(CircuitBreakerTest)
#include "circuit_breaker_test.moc"
