"""Passive and active health checks of reverse_proxy against real backends: each condition takes an
upstream out, traffic moves to the other one, and the upstream comes back when the condition ends."""
import json
import os
import threading
import time
import unittest

import harness
from harness import free_port, http, proxy_config, reverse_proxy, wait_until


def backend_of(port, path="/"):
    status, headers, _ = http("GET", f"http://127.0.0.1:{port}{path}")
    return status, headers.get("X-Backend")


class HealthCase(harness.ProxyTestCase):
    def start_pair(self, health_checks, policy="first", admin=False, **options):
        self.a, self.b = self.start_backend("named", "a"), self.start_backend("named", "b")
        self.port = free_port()
        self.admin = free_port() if admin else None
        self.start_proxflow(proxy_config(self.port, [reverse_proxy(
            self.a.port, self.b.port, load_balancing={"selection_policy": {"policy": policy}},
            health_checks=health_checks, **options)], admin_port=self.admin), wait_port=self.port)

    def served_by(self, n=6, path="/"):
        return {backend_of(self.port, path)[1] for _ in range(n)}

    def upstream(self, backend):
        ups = json.loads(http("GET", f"http://127.0.0.1:{self.admin}/reverse_proxy/upstreams")[2])
        return {u["address"]: u for u in ups}[f"127.0.0.1:{backend.port}"]


class Passive(HealthCase):
    def test_unhealthy_status_takes_an_upstream_out_until_fail_duration_passes(self):
        self.start_pair({"passive": {"fail_duration": "2s", "max_fails": 1, "unhealthy_status": [500]}})
        self.assertEqual(self.served_by(), {"a"})
        self.assertEqual(backend_of(self.port, "/status/404"), (404, "a"))  # not listed: no failure
        self.assertEqual(self.served_by(), {"a"})
        started = time.monotonic()
        # The failing response itself still reaches the client, as Caddy does.
        self.assertEqual(backend_of(self.port, "/status/500"), (500, "a"))
        self.assertEqual(self.served_by(), {"b"})
        wait_until(lambda: backend_of(self.port)[1] == "a", timeout=15, what="a back after fail_duration")
        self.assertGreaterEqual(time.monotonic() - started, 1.9, "a came back before fail_duration (2s)")

    def test_a_status_class_counts_every_status_of_that_class(self):
        self.start_pair({"passive": {"fail_duration": "30s", "unhealthy_status": [5]}})
        self.assertEqual(backend_of(self.port, "/status/503"), (503, "a"))
        self.assertEqual(self.served_by(), {"b"})

    def test_unhealthy_latency_takes_a_slow_upstream_out_until_fail_duration_passes(self):
        self.start_pair({"passive": {"fail_duration": "2s", "unhealthy_latency": "400ms"}})
        self.assertEqual(self.served_by(), {"a"})
        started = time.monotonic()
        self.assertEqual(backend_of(self.port, "/slow?ms=1200"), (200, "a"))  # slow, but answered
        self.assertEqual(self.served_by(), {"b"})
        wait_until(lambda: backend_of(self.port)[1] == "a", timeout=15, what="a back after fail_duration")
        self.assertGreaterEqual(time.monotonic() - started, 1.9, "a came back before fail_duration (2s)")

    def test_unhealthy_request_count_moves_traffic_while_an_upstream_is_busy(self):
        self.start_pair({"passive": {"unhealthy_request_count": 1}}, admin=True)
        # One at a time, each on a new connection that may land on another worker: a is never busy.
        self.assertEqual(self.served_by(40), {"a"})
        slow = threading.Thread(target=lambda: backend_of(self.port, "/slow?ms=2500"))
        slow.start()
        try:
            wait_until(lambda: self.upstream(self.a)["num_requests"] == 1, what="the slow request at a")
            self.assertEqual(self.served_by(), {"b"})
        finally:
            slow.join()
        wait_until(lambda: self.upstream(self.a)["num_requests"] == 0, what="the slow request done")
        self.assertEqual(self.served_by(), {"a"})


class Active(HealthCase):
    def test_health_port_checks_another_port_than_the_upstream(self):
        # a's own /health stays fine; its checks go to a separate health backend "ah".
        a, ah = self.start_backend("named", "a"), self.start_backend("named", "ah")
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(a.port, health_checks={"active": {
            "uri": "/health", "port": ah.port, "interval": "200ms", "timeout": "1s"}})]), wait_port=port)
        self.assertEqual(backend_of(port), (200, "a"))
        open(os.path.join(self.tmp, "ah.down"), "w").close()
        wait_until(lambda: backend_of(port)[0] == 503, what="a out when its health port says down")
        self.assertEqual(backend_of(a.port, "/health")[0], 200)
        os.remove(os.path.join(self.tmp, "ah.down"))
        wait_until(lambda: backend_of(port) == (200, "a"), what="a back when its health port recovers")

    def test_health_status_accepts_what_it_names_and_only_that(self):
        # a's /health answers 503, b's 200: the expected status decides which one is up.
        open(os.path.join(self.tmp, "a.down"), "w").close()
        for expect, up in ((503, "a"), (5, "a"), (None, "b"), (200, "b")):
            with self.subTest(expect_status=expect):
                self.procs.stop_all()
                active = {"uri": "/health", "interval": "200ms", "timeout": "1s"}
                if expect is not None:
                    active["expect_status"] = expect
                self.start_pair({"active": active}, policy="round_robin")
                wait_until(lambda: self.served_by() == {up}, what=f"only {up} healthy")

    def test_health_body_is_a_regular_expression_the_body_must_match(self):
        # /status/200 answers each backend's name as its body.
        for regexp, up in (("^[a]+$", "a"), ("b$", "b")):
            with self.subTest(expect_body=regexp):
                self.procs.stop_all()
                self.start_pair({"active": {"uri": "/status/200", "expect_body": regexp, "interval": "200ms"}},
                                policy="round_robin")
                wait_until(lambda: self.served_by() == {up}, what=f"only {up} matching {regexp}")

    def test_health_headers_are_sent_with_each_check(self):
        log = os.path.join(self.tmp, "seen.log")
        rec = self.start_backend("recording", log)
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(rec.port, health_checks={"active": {
            "uri": "/hc", "interval": "200ms", "headers": {"X-Probe": ["p1"], "Host": ["health.example"]}}})]),
            wait_port=port)

        def checks():
            with open(log) as f:
                text = f.read()
            return [block for block in text.split("GET ")[1:] if block.startswith("/hc\n")]

        wait_until(lambda: len(checks()) >= 2, what="two health checks at the backend")
        for block in checks():
            self.assertIn("  X-Probe: p1\n", block)
            self.assertIn("  Host: health.example\n", block)


if __name__ == "__main__":
    unittest.main()
