"""The intelligent circuit breaker of reverse_proxy against real python backends (backends/switchable.py)
that fail, slow down, drop connections and recover on command while bounded clients run: when a
circuit opens (and when not), that an open upstream gets nothing, how many trials half-open admits,
how the ramp-up share rises, slow answers as failures, 503 when every circuit is open, retries, and
each transition in /reverse_proxy/upstreams, /reverse_proxy/circuit_events, /metrics and the log."""
import json
import os
import threading
import time
import unittest

import harness
from harness import free_port, log_of, proxy_config, reverse_proxy, wait_until
from resilience import (arrival_times, circuit_events, concurrently, event_time, get, load, metric, reset,
                        set_mode, stats, upstream)

LOGGER = "http.handlers.reverse_proxy.circuit_breaker"


def breaker(**settings):
    return {"circuit_breaker": {"type": "intelligent", **settings}}


class BreakerCase(harness.ProxyTestCase):
    def start_proxy(self, backends, settings, policy="first", **options):
        """proxflow with the admin API in front of backends, the breaker set as given; policy None
        leaves the default (random)."""
        self.port, self.admin = free_port(), free_port()
        if policy:
            options["load_balancing"] = {**options.get("load_balancing", {}), "selection_policy": {"policy": policy}}
        ports = [b if isinstance(b, int) else b.port for b in backends]
        self.config = proxy_config(self.port, [reverse_proxy(*ports, **breaker(**settings), **options)],
                                   admin_port=self.admin)
        return self.start_proxflow(self.config, wait_port=self.port)

    def pair(self):
        self.a = self.start_backend("switchable", "a")
        self.b = self.start_backend("switchable", "b")
        return self.a, self.b

    def entry(self, backend):
        """backend's row in /reverse_proxy/upstreams. An attempt's outcome is recorded when its response
        header arrives, before the client has it, so a read right after an answer sees it."""
        return upstream(self.admin, backend)

    def state(self, backend):
        return self.entry(backend)["circuit_state"]

    def send(self, n):
        """n requests one after another: the X-Backend of each (None for the proxy's own answers)."""
        return [get(self.port)[1] for _ in range(n)]

    def open_circuit(self, backend, limit=40):
        """Makes backend fail until its circuit is open, with at most limit requests."""
        set_mode(backend, "fail")
        for _ in range(limit):
            get(self.port)
            if self.state(backend) == "open":
                return
        self.fail(f"circuit of {backend.port} not open after {limit} failing requests")


class Opening(BreakerCase):
    def test_the_circuit_stays_closed_below_min_requests_even_when_every_request_fails(self):
        self.pair()
        self.start_proxy((self.a, self.b), dict(min_requests=10, failure_threshold=0.5, recovery_timeout="60s"))
        set_mode(self.a, "fail")
        self.assertEqual(self.send(9), ["a"] * 9)
        entry = self.entry(self.a)
        self.assertEqual((entry["circuit_state"], entry["window_requests"], entry["failure_rate"]), ("closed", 9, 1.0))
        # The tenth attempt reaches min_requests at a 100 % failure rate: it still reaches a, then a opens.
        self.assertEqual(self.send(1), ["a"])
        self.assertEqual(self.state(self.a), "open")
        self.assertEqual(self.send(5), ["b"] * 5)
        self.assertEqual(stats(self.a)["requests"], 10)

    def test_the_circuit_opens_on_the_request_that_brings_the_failure_rate_to_the_threshold(self):
        self.pair()
        self.start_proxy((self.a, self.b), dict(min_requests=10, failure_threshold=0.5, recovery_timeout="60s"))
        self.assertEqual(self.send(6), ["a"] * 6)
        set_mode(self.a, "fail", status=503)
        # 6 good, then failures: 5/11 = 0.45 stays closed, 6/12 = 0.5 opens.
        for failures in range(1, 6):
            self.assertEqual(self.send(1), ["a"])
            self.assertEqual(self.state(self.a), "closed", f"{failures} failures of {6 + failures}")
        self.assertAlmostEqual(self.entry(self.a)["failure_rate"], 5 / 11, places=3)
        self.assertEqual(self.send(1), ["a"])
        entry = self.entry(self.a)
        self.assertEqual((entry["circuit_state"], entry["window_requests"]), ("open", 12))
        self.assertAlmostEqual(entry["failure_rate"], 0.5, places=3)
        self.assertEqual(self.send(3), ["b"] * 3)
        self.assertEqual(self.state(self.b), "closed")

    def test_failures_older_than_the_evaluation_window_no_longer_count(self):
        self.pair()
        self.start_proxy((self.a, self.b), dict(min_requests=6, evaluation_window="2s", recovery_timeout="60s"))
        set_mode(self.a, "fail")
        self.assertEqual(self.send(5), ["a"] * 5)
        time.sleep(3)  # the window is sliding: these five are out of it now
        self.assertEqual(self.send(5), ["a"] * 5)
        entry = self.entry(self.a)
        self.assertEqual((entry["circuit_state"], entry["window_requests"]), ("closed", 5))
        self.assertEqual(self.send(1), ["a"])  # the sixth in the window
        self.assertEqual(self.state(self.a), "open")

    def test_slow_answers_count_as_failures(self):
        self.pair()
        self.start_proxy((self.a, self.b), dict(min_requests=4, failure_threshold=0.5, latency_threshold="300ms",
                                                recovery_timeout="60s"))
        set_mode(self.a, "slow", delay_ms=100)  # under the threshold: a success
        self.assertEqual(self.send(4), ["a"] * 4)
        self.assertEqual(self.entry(self.a)["failure_rate"], 0.0)
        set_mode(self.a, "slow", delay_ms=600)
        results = [get(self.port)[:2] for _ in range(4)]
        # Slow but answered: the client gets a's 200, and the fourth slow one (4 of 8) opens the circuit.
        self.assertEqual(results, [(200, "a")] * 4)
        self.assertEqual(self.state(self.a), "open")
        self.assertEqual(self.send(2), ["b", "b"])

    def test_only_the_statuses_in_failure_status_count(self):
        self.pair()
        self.start_proxy((self.a, self.b), dict(min_requests=4, recovery_timeout="60s", failure_status=[503]))
        set_mode(self.a, "fail", status=500)
        self.assertEqual(self.send(6), ["a"] * 6)
        entry = self.entry(self.a)
        self.assertEqual((entry["circuit_state"], entry["failure_rate"]), ("closed", 0.0))
        set_mode(self.a, "fail", status=503)
        # 6 successes (500 is not listed) then 503s: the sixth makes 6 of 12.
        self.assertEqual(self.send(6), ["a"] * 6)
        self.assertEqual(self.state(self.a), "open")
        self.assertEqual(self.send(2), ["b", "b"])

    def test_dropped_connections_count_as_failures(self):
        self.pair()
        self.start_proxy((self.a, self.b), dict(min_requests=4, recovery_timeout="60s"))
        set_mode(self.a, "close")
        statuses = [get(self.port)[0] for _ in range(4)]
        self.assertEqual(statuses, [502] * 4)
        self.assertEqual(self.state(self.a), "open")
        self.assertEqual(self.send(2), ["b", "b"])


class Open(BreakerCase):
    def test_no_request_reaches_an_open_upstream(self):
        self.pair()
        self.start_proxy((self.a, self.b), dict(min_requests=5, recovery_timeout="60s"), policy="round_robin")
        self.open_circuit(self.a)
        reset(self.a, self.b)
        results = load(self.port, 2.0, connections=4)
        self.assertGreater(len(results), 100)
        self.assertEqual(set(results), {(200, "b")})
        self.assertEqual(stats(self.a)["requests"], 0)
        self.assertEqual(stats(self.b)["requests"], len(results))
        self.assertEqual(self.state(self.a), "open")

    def test_an_open_circuit_stays_open_across_a_config_reload(self):
        self.pair()
        self.start_proxy((self.a, self.b), dict(min_requests=3, recovery_timeout="60s"))
        self.open_circuit(self.a)
        reset(self.a)
        status, _, body = harness.http("POST", f"http://127.0.0.1:{self.admin}/load",
                                       json.dumps(self.config).encode(), {"Content-Type": "application/json"})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.state(self.a), "open")
        self.assertEqual(self.send(5), ["b"] * 5)
        self.assertEqual(stats(self.a)["requests"], 0)

    def test_with_every_circuit_open_the_proxy_answers_503_with_retry_after(self):
        self.a = self.start_backend("switchable", "a")
        self.start_proxy((self.a,), dict(min_requests=3, recovery_timeout="20s"))
        set_mode(self.a, "fail", status=500)
        self.assertEqual([get(self.port)[0] for _ in range(3)], [500] * 3)
        status, backend, headers = get(self.port)
        self.assertEqual((status, backend), (503, None))
        # Seconds until the earliest half-open: the whole recovery_timeout, give or take a second.
        self.assertTrue(18 <= int(headers["Retry-After"]) <= 20, headers.get("Retry-After"))
        self.assertEqual(stats(self.a)["requests"], 3)

    def test_retries_go_to_another_upstream_when_one_is_open(self):
        # a (open) comes first, then an address nothing listens on, then c. A dial error at the dead
        # one is retried (the passive check takes it out); the retry must skip a and land on c.
        self.a = self.start_backend("switchable", "a")
        c = self.start_backend("switchable", "c")
        dead = free_port()
        self.start_proxy((self.a, dead, c), dict(min_requests=4, recovery_timeout="60s"),
                         load_balancing={"retries": 2},
                         health_checks={"passive": {"fail_duration": "60s", "max_fails": 1}})
        set_mode(self.a, "fail")
        self.assertEqual([get(self.port)[:2] for _ in range(4)], [(500, "a")] * 4)
        self.assertEqual(self.state(self.a), "open")
        reset(self.a)
        self.assertEqual([get(self.port)[:2] for _ in range(10)], [(200, "c")] * 10)
        self.assertEqual(stats(self.a)["requests"], 0)


class HalfOpen(BreakerCase):
    def test_half_open_admits_exactly_half_open_max_requests_concurrent_trials(self):
        self.pair()
        self.start_proxy((self.a, self.b), dict(min_requests=3, recovery_timeout="1s", half_open_max_requests=3,
                                                ramp_up_duration="30s"))
        self.open_circuit(self.a)
        opened = time.monotonic()
        set_mode(self.a, "slow", delay_ms=1500)  # healthy, but each trial stays in flight 1.5 s
        reset(self.a, self.b)
        time.sleep(max(0.0, 1.3 - (time.monotonic() - opened)))
        results = []
        trials = threading.Thread(target=lambda: results.extend(concurrently(self.port, 10)))
        trials.start()
        wait_until(lambda: stats(self.a)["in_flight"] == 3, timeout=5, what="three trials at a")
        self.assertEqual(self.state(self.a), "half_open")
        trials.join(30)
        self.assertEqual(sorted(results), [(200, "a")] * 3 + [(200, "b")] * 7)
        a = stats(self.a)
        self.assertEqual((a["requests"], a["max_concurrent"]), (3, 3))
        # All three succeeded: on to ramp-up.
        self.assertEqual(self.state(self.a), "ramp_up")

    def test_a_failed_trial_opens_the_circuit_again(self):
        self.pair()
        self.start_proxy((self.a, self.b), dict(min_requests=3, recovery_timeout="1s", half_open_max_requests=2))
        self.open_circuit(self.a)
        reset(self.a)
        time.sleep(1.2)
        self.assertEqual(get(self.port)[:2], (500, "a"))  # the trial, still failing
        self.assertEqual(self.state(self.a), "open")
        self.assertEqual(self.send(3), ["b"] * 3)
        self.assertEqual(stats(self.a)["requests"], 1)
        transitions = [(e["from"], e["to"]) for e in circuit_events(self.admin, self.a)]
        self.assertEqual(transitions, [("closed", "open"), ("open", "half_open"), ("half_open", "open")])


class RampUpFailures(BreakerCase):
    def test_a_failure_rate_over_the_threshold_during_ramp_up_opens_the_circuit_again(self):
        self.pair()
        self.start_proxy((self.a, self.b), dict(min_requests=3, recovery_timeout="1s", half_open_max_requests=1,
                                                ramp_up_duration="60s"))
        self.open_circuit(self.a)
        set_mode(self.a, "ok")
        time.sleep(1.2)
        wait_until(lambda: get(self.port) and self.state(self.a) == "ramp_up", timeout=5, what="a in ramp-up")
        set_mode(self.a, "fail")
        # In ramp-up a gets about a tenth of the selections: three failures there take some requests.
        wait_until(lambda: get(self.port) and self.state(self.a) == "open", timeout=10, interval=0,
                   what="a open again")
        transitions = [(e["from"], e["to"]) for e in circuit_events(self.admin, self.a)]
        self.assertEqual(transitions[-2:], [("half_open", "ramp_up"), ("ramp_up", "open")])
        self.assertEqual(stats(self.a)["statuses"].get("500"), 3 + 3)  # to open it first, then in ramp-up


@harness.needs_programs("wrk", why="the ramp-up share is measured under a load only wrk brings")
class RampUp(BreakerCase):
    RAMP = 8

    def test_the_ramp_up_share_rises_linearly_with_time(self):
        # Two upstreams and the default random policy: in ramp-up, a is admitted with probability
        # f(t) = max(0.1, t / ramp_up_duration), so its share of the traffic is f(t) / 2.
        self.pair()
        self.start_proxy((self.a, self.b), dict(min_requests=5, recovery_timeout="1s", half_open_max_requests=1,
                                                ramp_up_duration=f"{self.RAMP}s", evaluation_window="5s"),
                         policy=None)
        self.open_circuit(self.a)
        set_mode(self.a, "ok")
        reset(self.a, self.b)
        wrk = self.procs.start("wrk", ["wrk", "-t1", "-c8", f"-d{self.RAMP + 3}s", f"http://127.0.0.1:{self.port}/"])
        wrk.wait(self.RAMP + 30)
        ramp = [e for e in circuit_events(self.admin, self.a) if e["to"] == "ramp_up"]
        self.assertEqual(len(ramp), 1, circuit_events(self.admin, self.a))
        start = event_time(ramp[0])
        a_times, b_times = arrival_times(self.a), arrival_times(self.b)
        rows = []
        for second in range(self.RAMP + 1):
            lo, hi = start + second, start + second + 1
            na = sum(lo <= t < hi for t in a_times)
            nb = sum(lo <= t < hi for t in b_times)
            # The mean of f over this second (f is linear but for its floor, so sample it finely).
            expected = sum(min(1.0, max(0.1, (second + (i + 0.5) / 100) / self.RAMP)) for i in range(100)) / 100
            rows.append((second, na, nb, 2 * na / max(1, na + nb), expected))
        report = "\n".join(f"second {s}: a {na} b {nb} share x2 {got:.3f} expected {want:.3f}"
                           for s, na, nb, got, want in rows)
        if os.environ.get("PROXFLOW_TEST_VERBOSE"):
            print("\n" + report)
        for second, na, nb, got, want in rows:
            self.assertGreater(na + nb, 400, report)  # enough requests for a ±10 point check
            self.assertLess(abs(got - want), 0.10, report)
        self.assertEqual(self.state(self.a), "closed")


class Visibility(BreakerCase):
    def test_every_transition_shows_in_the_admin_api_metrics_and_log(self):
        self.pair()
        proxy = self.start_proxy((self.a, self.b), dict(min_requests=3, recovery_timeout="1s",
                                                        half_open_max_requests=2, ramp_up_duration="1s"))
        address = f"127.0.0.1:{self.a.port}"
        self.assertEqual(metric(self.admin, "proxflow_reverse_proxy_upstream_circuit_state",
                                upstream=address, state="closed"), 1)
        self.open_circuit(self.a)
        entry = self.entry(self.a)
        self.assertEqual((entry["circuit_state"], entry["failure_rate"], entry["window_requests"]), ("open", 1.0, 3))
        self.assertEqual(metric(self.admin, "proxflow_reverse_proxy_upstream_circuit_state",
                                upstream=address, state="open"), 1)
        self.assertEqual(metric(self.admin, "proxflow_reverse_proxy_upstream_circuit_state",
                                upstream=address, state="closed"), 0)
        self.assertEqual(metric(self.admin, "proxflow_reverse_proxy_upstream_circuit_failure_rate", upstream=address), 1.0)

        set_mode(self.a, "ok")
        time.sleep(1.2)
        # Two trials, then a one-second ramp-up; the way back is taken lazily, on selections.
        wait_until(lambda: get(self.port) and self.state(self.a) == "closed", timeout=10, interval=0.02,
                   what="a closed again")
        transitions = [(e["from"], e["to"]) for e in circuit_events(self.admin, self.a)]
        self.assertEqual(transitions, [("closed", "open"), ("open", "half_open"), ("half_open", "ramp_up"),
                                       ("ramp_up", "closed")])
        events = circuit_events(self.admin, self.a)
        for e in events:
            self.assertRegex(e["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}")
            self.assertTrue(e["reason"], e)
        self.assertEqual(circuit_events(self.admin, self.b), [])
        for to in ("open", "half_open", "ramp_up", "closed"):
            self.assertEqual(metric(self.admin, "proxflow_reverse_proxy_upstream_circuit_transitions_total",
                                    upstream=address, to=to), 1, to)
        self.assertEqual(metric(self.admin, "proxflow_reverse_proxy_upstream_circuit_state",
                                upstream=address, state="closed"), 1)

        lines = [json.loads(line) for line in log_of(proxy).splitlines() if line.startswith("{")]
        logged = [line for line in lines if line.get("logger") == LOGGER]
        self.assertEqual([(l["upstream"], l["from"], l["to"], l.get("reason")) for l in logged],
                         [(address, e["from"], e["to"], e["reason"]) for e in events], log_of(proxy))
        self.assertEqual([l["level"] for l in logged], ["warn", "info", "info", "info"])
        self.assertEqual((logged[0]["failure_rate"], logged[0]["attempts"]), (1.0, 3))


if __name__ == "__main__":
    unittest.main()
