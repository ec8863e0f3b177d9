"""rate_limit shared by two `proxflow run` processes through one real Redis (Debian's redis-server):
the combined admitted count within the documented bound with a periodic sync, the exact limit with a
decision per request in Redis, and Redis killed and restarted under traffic without a failed request,
the outage counted and logged, and syncing resumed."""
import http.client
import os
import re
import threading
import time
import unittest

import harness
from harness import free_port, wait_until


def flood(ports, seconds, per_port=2):
    """Keep-alive clients on each port, one request after another for `seconds`; statuses per port."""
    statuses = {p: [] for p in ports}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(port):
        seen = []
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            try:
                conn.request("GET", "/")
                res = conn.getresponse()
                res.read()
                seen.append(res.status)
            except (ConnectionError, http.client.HTTPException, OSError) as e:
                seen.append(repr(e))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.close()
        with lock:
            statuses[port].extend(seen)

    threads = [threading.Thread(target=client, args=(p,)) for p in ports for _ in range(per_port)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    return statuses


def metric(admin, name, **labels):
    _, _, body = harness.http("GET", f"http://127.0.0.1:{admin}/metrics")
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    m = re.search(rf"^{name}{{{re.escape(want)}}} (\S+)$", body.decode(), re.M)
    return float(m.group(1)) if m else None


@harness.needs_programs("redis-server", "redis-cli", why="distributed limits are shared through a real Redis")
class Distributed(harness.ProxyTestCase):
    def start_redis(self, port=None):
        port = port or self.redis_port
        proc = self.procs.start(f"redis-{port}", ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                                  "--appendonly", "no", "--dir", self.tmp])
        wait_until(lambda: harness.port_open(port), what="redis")
        return proc

    def start_pair(self, distributed, rate_limit="\t\trate 10\n\t\tburst 10"):
        self.nodes = []
        for name in ("a", "b"):
            port, admin = free_port(), free_port()
            proc = self.start_proxflow(f"""
{{
	admin 127.0.0.1:{admin}
}}
:{port} {{
	bind 127.0.0.1
	rate_limit {{
		zone shared
{rate_limit}
		distributed {{
			redis 127.0.0.1:{self.redis_port}
{distributed}
		}}
	}}
	respond "ok"
}}
""", caddyfile=True, wait_port=port, name=f"proxflow-{name}")
            proc.port, proc.admin = port, admin
            self.nodes.append(proc)

    def setUp(self):
        super().setUp()
        self.redis_port = free_port()
        self.redis = self.start_redis()

    def test_with_a_periodic_sync_both_together_stay_within_the_bound(self):
        self.start_pair("\t\t\tsync_interval 1s")
        seconds = 4.0
        statuses = flood([n.port for n in self.nodes], seconds)
        admitted = sum(s.count(200) for s in statuses.values())
        alone = 10 + 10 * seconds  # what one process admits by itself: burst + rate x T
        bound = alone + (10 + 10 * 1)  # docs/rate-limit.md: + (N-1) x (burst + rate x sync_interval)
        self.assertGreaterEqual(admitted, alone - 2, statuses)
        self.assertLessEqual(admitted, bound + 2, admitted)
        # Without sharing the two would have admitted 2 x alone.
        self.assertLess(admitted, 2 * alone - 10, admitted)

    def test_with_a_decision_per_request_both_together_admit_the_limit(self):
        self.start_pair("\t\t\tsync_interval 0")
        seconds = 3.0
        statuses = flood([n.port for n in self.nodes], seconds)
        admitted = sum(s.count(200) for s in statuses.values())
        self.assertLessEqual(abs(admitted - (10 + 10 * seconds)), 3, admitted)

    def test_redis_killed_and_restarted_under_traffic_fails_no_request(self):
        self.start_pair("\t\t\tsync_interval 500ms", rate_limit="\t\trate 100000\n\t\tburst 100000")
        results = {}
        flooding = threading.Thread(target=lambda: results.update(flood([n.port for n in self.nodes], 6.0, per_port=1)))
        flooding.start()
        time.sleep(1.5)
        self.procs.stop(self.redis)
        time.sleep(2.0)
        self.redis = self.start_redis()
        flooding.join(40)
        for port, statuses in results.items():
            self.assertTrue(statuses, port)
            self.assertEqual(set(statuses), {200}, f"{port}: {set(statuses)}")
        for node in self.nodes:
            self.assertGreater(metric(node.admin, "proxflow_rate_limit_redis_errors_total", zone="shared"), 0)
            log = harness.log_of(node)
            self.assertEqual(log.count("redis unavailable"), 1, log[-3000:])
        # Syncing resumed: what b admits from now on, a hears of within a sync or two.
        wait_until(lambda: harness.http("GET", f"http://127.0.0.1:{self.nodes[0].port}/")[0] == 200, timeout=5)
        before = metric(self.nodes[0].admin, "proxflow_rate_limit_redis_errors_total", zone="shared")
        time.sleep(1.5)
        self.assertEqual(metric(self.nodes[0].admin, "proxflow_rate_limit_redis_errors_total", zone="shared"), before)

    def test_an_unreachable_redis_at_start_is_a_logged_degrade_not_an_error(self):
        self.procs.stop(self.redis)
        self.start_pair("\t\t\tsync_interval 500ms", rate_limit="\t\trate 1/m\n\t\tburst 2")
        node = self.nodes[0]
        statuses = [harness.http("GET", f"http://127.0.0.1:{node.port}/")[0] for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])  # the local limit holds
        wait_until(lambda: "redis unavailable" in harness.log_of(node), timeout=5, what="the outage logged")


if __name__ == "__main__":
    unittest.main()
