"""lb_policy adaptive against real python backends (backends/switchable.py), one five times slower than
the other: what it predicts and weighs (GET /reverse_proxy/upstreams and /metrics), the share the slow
one gets under a bounded keep-alive load, equal weights with no history, and round_robin beside it."""
import os
import threading
import time
import unittest

import harness
from harness import free_port, proxy_config, reverse_proxy, wait_until
from resilience import load, metric, reset, set_mode, stats, upstreams

FAST_MS, SLOW_MS = 20, 100


class Adaptive(harness.ProxyTestCase):
    def start_pair(self, policy, **options):
        self.fast = self.start_backend("switchable", "fast", "--mode", "slow", "--delay-ms", str(FAST_MS))
        self.slow = self.start_backend("switchable", "slow", "--mode", "slow", "--delay-ms", str(SLOW_MS))
        self.port, self.admin = free_port(), free_port()
        self.start_proxflow(proxy_config(self.port, [reverse_proxy(
            self.fast.port, self.slow.port, load_balancing={"selection_policy": policy}, **options)],
            admin_port=self.admin),
            wait_port=self.port)

    def entries(self):
        ups = upstreams(self.admin)
        return ups[f"127.0.0.1:{self.fast.port}"], ups[f"127.0.0.1:{self.slow.port}"]

    def slow_share(self, seconds=3.0):
        reset(self.fast, self.slow)
        results = load(self.port, seconds, connections=6)
        self.assertEqual({status for status, _ in results}, {200})
        fast, slow = stats(self.fast)["requests"], stats(self.slow)["requests"]
        self.assertEqual(fast + slow, len(results))
        return slow / (fast + slow), len(results)

    def test_with_no_history_every_upstream_weighs_the_same(self):
        self.start_pair({"policy": "adaptive", "update_interval": "1m"})
        fast, slow = self.entries()
        self.assertEqual((fast["weight"], slow["weight"]), (0.5, 0.5), f"fast {fast}\nslow {slow}")
        self.assertEqual((fast["predicted_load_ms"], slow["predicted_load_ms"]), (None, None))
        # Before the first update both are chosen.
        share, sent = self.slow_share(1.0)
        self.assertTrue(0.1 < share < 0.6, f"slow got {share:.3f} of {sent}")

    def test_a_five_times_slower_upstream_is_predicted_slower_and_gets_a_much_smaller_share(self):
        self.start_pair({"policy": "adaptive", "update_interval": "1s", "alpha": 0.5, "history_length": 5})
        load(self.port, 2.5, connections=6)  # two intervals of history
        wait_until(lambda: self.entries()[1]["predicted_load_ms"] > 0, timeout=5, what="a prediction for slow")
        fast, slow = self.entries()
        report = f"fast {fast}\nslow {slow}"
        # Time to response header: the backend's delay plus the proxy's own few milliseconds.
        self.assertTrue(FAST_MS * 0.8 <= fast["predicted_load_ms"] <= FAST_MS * 2, report)
        self.assertTrue(SLOW_MS * 0.8 <= slow["predicted_load_ms"] <= SLOW_MS * 1.5, report)
        # weight ∝ 1 / prediction, normalised to a sum of 1.
        self.assertAlmostEqual(fast["weight"] + slow["weight"], 1.0, places=2)
        ratio = fast["predicted_load_ms"] / slow["predicted_load_ms"]
        self.assertAlmostEqual(slow["weight"] / fast["weight"], ratio, delta=0.05, msg=report)
        for entry, backend in ((fast, self.fast), (slow, self.slow)):
            address = f"127.0.0.1:{backend.port}"
            self.assertAlmostEqual(metric(self.admin, "proxflow_reverse_proxy_upstream_predicted_load_seconds",
                                          upstream=address), entry["predicted_load_ms"] / 1000, delta=0.02)
            self.assertIsNotNone(metric(self.admin, "proxflow_reverse_proxy_upstream_weight", upstream=address))

        share, sent = self.slow_share()
        if os.environ.get("PROXFLOW_TEST_VERBOSE"):
            print(f"\n{report}\nslow share {share:.3f} of {sent}")
        # Weighted choice alone would give it 1/6; the in-flight tie-break of two choices gives it less.
        self.assertLess(share, 0.2, f"slow got {share:.3f} of {sent}\n{report}")

    def test_predictions_follow_exponential_smoothing_and_a_recovered_upstream_regains_its_share(self):
        alpha = 0.3
        self.start_pair({"policy": "adaptive", "update_interval": "1s", "alpha": alpha})
        predictions = []  # each new value of slow's prediction, in order
        done = threading.Event()

        def watch():
            while not done.is_set():
                value = self.entries()[1]["predicted_load_ms"]
                if value is not None and (not predictions or value != predictions[-1]):
                    predictions.append(value)
                time.sleep(0.05)
        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            load(self.port, 2.5, connections=6)
            before = len(predictions)
            set_mode(self.slow, "slow", delay_ms=FAST_MS)
            load(self.port, 4.5, connections=6)
            share, sent = self.slow_share(1.0)
        finally:
            done.set()
            watcher.join()
        after = predictions[before:]
        report = f"predictions {[round(p, 1) for p in predictions]}, switched after the {before}th"
        self.assertGreaterEqual(len(after), 4, report)
        # From the second interval after the switch on, each interval's mean is the fast level, so the
        # distance to it shrinks by (1 - alpha) per update.
        level = self.entries()[0]["predicted_load_ms"]
        for earlier, later in zip(after[1:], after[2:]):
            self.assertAlmostEqual((later - level) / (earlier - level), 1 - alpha, delta=0.1, msg=report)
        self.assertGreater(share, 0.2, f"slow, fast again, got {share:.3f} of {sent}; {report}")

    def test_an_upstream_with_an_open_circuit_gets_nothing_and_the_others_take_its_share(self):
        self.start_pair({"policy": "adaptive", "update_interval": "1s"},
                        circuit_breaker={"type": "intelligent", "min_requests": 3, "recovery_timeout": "60s"})
        set_mode(self.fast, "fail")
        wait_until(lambda: load(self.port, 0.2, connections=1) and
                   upstreams(self.admin)[f"127.0.0.1:{self.fast.port}"]["circuit_state"] == "open",
                   timeout=10, what="fast's circuit open")
        share, sent = self.slow_share(1.5)
        self.assertEqual(share, 1.0, f"slow got {share:.3f} of {sent}")

    def test_a_backend_that_fails_fast_does_not_draw_more_traffic(self):
        # Three equal backends; one starts answering 500 at once. Its time to response header drops, but
        # errors are no sign of spare capacity: it must not be given more than an equal share.
        backends = [self.start_backend("switchable", name, "--mode", "slow", "--delay-ms", str(FAST_MS))
                    for name in ("x", "y", "z")]
        self.port, self.admin = free_port(), free_port()
        self.start_proxflow(proxy_config(self.port, [reverse_proxy(
            *[b.port for b in backends], load_balancing={"selection_policy": {"policy": "adaptive", "update_interval": "1s"}})],
            admin_port=self.admin), wait_port=self.port)
        load(self.port, 2.5, connections=4)
        set_mode(backends[0], "fail")
        load(self.port, 3.0, connections=4)  # three updates with the failures in them
        reset(*backends)
        results = load(self.port, 1.0, connections=4)
        failing = stats(backends[0])["requests"] / len(results)
        report = f"failing backend got {failing:.3f} of {len(results)}; upstreams {list(upstreams(self.admin).values())}"
        self.assertLessEqual(failing, 0.36, report)

    def test_round_robin_beside_it_gives_the_slow_upstream_half(self):
        # The same pair and load under round_robin: what "a much smaller share" is compared with.
        self.start_pair({"policy": "round_robin"})
        share, sent = self.slow_share(2.0)
        self.assertAlmostEqual(share, 0.5, delta=0.02, msg=f"slow got {share:.3f} of {sent}")


if __name__ == "__main__":
    unittest.main()
