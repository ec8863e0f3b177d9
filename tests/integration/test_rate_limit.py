"""rate_limit from a Caddyfile against real clients and peers: what a flood gets through each algorithm
(checked against the rule, against the backend's own receive times, and against Debian's nginx
limit_req on the same request sequence), how 429, delay and drop look to a client, keys by IP behind a
trusted proxy, by user and by API key, the zone's counts in /metrics, and mistakes named at file:line."""
import http.client
import os
import socket
import threading
import time
import unittest

import harness
from harness import free_port, wait_until

# Python's crypt for "hunter2" at bcrypt cost 4.
BCRYPT = "$2b$04$Mm5oW7AFB9arcAzIqYIkDOQNolPAABxlYxF8EXuITnF3Cdl.p6xZ2"


def get(port, path="/", headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        res = conn.getresponse()
        res.read()
        return res
    finally:
        conn.close()


def flood(port, seconds, connections=4, path="/"):
    """Keep-alive clients sending one request after another for `seconds`; returns the statuses."""
    statuses = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        seen = []
        while time.monotonic() < deadline:
            conn.request("GET", path)
            res = conn.getresponse()
            res.read()
            seen.append(res.status)
        conn.close()
        with lock:
            statuses.extend(seen)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    return statuses


def concurrently(port, count, path="/", timeout=30):
    """count requests started at once on their own connections; returns (status or None, seconds) each."""
    results = [None] * count
    start = time.monotonic()

    def one(i):
        try:
            res = get(port, path, timeout=timeout)
            results[i] = (res.status, time.monotonic() - start)
        except (ConnectionError, http.client.HTTPException, socket.timeout):
            results[i] = (None, time.monotonic() - start)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout + 5)
    return results


class RateLimitCase(harness.ProxyTestCase):
    def start_limited(self, rate_limit, *, site_extra="", global_extra="", handler='respond "ok"'):
        self.port, self.admin = free_port(), free_port()
        return self.start_proxflow(f"""
{{
	admin 127.0.0.1:{self.admin}
{global_extra}
}}
:{self.port} {{
	bind 127.0.0.1
{site_extra}
	rate_limit {{
{rate_limit}
	}}
	{handler}
}}
""", caddyfile=True, wait_port=self.port)


class Algorithms(RateLimitCase):
    def test_a_token_bucket_lets_through_its_size_and_then_its_rate(self):
        self.start_limited("\t\trate 20\n\t\tburst 10")
        seconds = 3.0
        statuses = flood(self.port, seconds)
        admitted = statuses.count(200)
        self.assertEqual(set(statuses), {200, 429})
        self.assertGreater(len(statuses), 200, "the flood must outrun the limit")
        # burst + rate x T, give or take the instants the flood starts and ends at.
        self.assertLessEqual(abs(admitted - (10 + 20 * seconds)), 2, admitted)

    def test_a_rejection_says_when_to_come_back_and_which_policy_refused(self):
        self.start_limited("\t\tzone login\n\t\trate 1/m\n\t\tburst 1")
        self.assertEqual(get(self.port).status, 200)
        res = get(self.port)
        self.assertEqual(res.status, 429)
        self.assertTrue(1 <= int(res.getheader("Retry-After")) <= 60, res.getheader("Retry-After"))
        self.assertEqual(res.getheader("RateLimit-Policy"), '"login";q=1;w=60')
        self.assertRegex(res.getheader("RateLimit"), r'^"login";r=0;t=\d+$')

    def test_a_sliding_window_never_admits_more_than_its_limit_in_any_window(self):
        log = os.path.join(self.tmp, "stamps.log")
        backend = self.start_backend("stamping", log)
        self.start_limited("\t\talgorithm sliding_window\n\t\trate 10\n\t\twindow 1s", handler=f"reverse_proxy 127.0.0.1:{backend.port}")
        statuses = flood(self.port, 3.5)
        with open(log) as f:
            stamps = sorted(float(line.split()[0]) for line in f)
        self.assertEqual(len(stamps), statuses.count(200))
        self.assertGreaterEqual(len(stamps), 30)
        # Any 11 consecutive arrivals span at least the window, less what the loopback and the
        # backend's threads add between the limiter's decision and the backend's clock (measured
        # here in the low milliseconds; 25 ms allowed).
        spans = [stamps[i + 10] - stamps[i] for i in range(len(stamps) - 10)]
        self.assertGreaterEqual(min(spans), 1.0 - 0.025, min(spans))

    def test_delay_spaces_requests_at_one_over_the_rate(self):
        log = os.path.join(self.tmp, "stamps.log")
        backend = self.start_backend("stamping", log)
        self.start_limited("\t\trate 5\n\t\tburst 1\n\t\treject delay\n\t\tmax_delay 10s", handler=f"reverse_proxy 127.0.0.1:{backend.port}")
        results = concurrently(self.port, 6)
        self.assertEqual([r[0] for r in results], [200] * 6)
        with open(log) as f:
            stamps = sorted(float(line.split()[0]) for line in f)
        gaps = [b - a for a, b in zip(stamps, stamps[1:])]
        for gap in gaps:
            self.assertAlmostEqual(gap, 0.2, delta=0.05)

    def test_past_max_delay_a_delayed_request_is_refused(self):
        self.start_limited("\t\trate 1\n\t\tburst 1\n\t\treject delay\n\t\tmax_delay 1500ms")
        statuses = sorted(r[0] for r in concurrently(self.port, 4))
        # One at once, one after 1 s; the next two would wait 2 and 3 s.
        self.assertEqual(statuses, [200, 200, 429, 429])

    def test_drop_closes_the_connection_without_an_answer(self):
        self.start_limited("\t\trate 1/m\n\t\tburst 1\n\t\treject drop")
        self.assertEqual(get(self.port).status, 200)
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(s.recv(1024), b"")


@harness.needs_programs("nginx", why="the leaky bucket is checked against nginx's limit_req")
class AgainstNginx(RateLimitCase):
    def start_nginx_limited(self, burst, nodelay):
        port = free_port()
        prefix = harness.nginx_prefix(self.tmp)
        with open(os.path.join(prefix, "www", "index.html"), "w") as f:
            f.write("ok")
        # limit_req runs in the preaccess phase: content must come from a later phase (a file), not `return`.
        harness.start_nginx_with(self.procs, prefix, port, f"""
  limit_req_zone $binary_remote_addr zone=z:1m rate=10r/s;
  server {{
    listen 127.0.0.1:{port};
    limit_req_status 429;
    location / {{ limit_req zone=z burst={burst}{' nodelay' if nodelay else ''}; root {prefix}/www; }}
  }}""")
        return port

    def sequence(self, port):
        """The same request sequence for both: bursts of 12 one after another, 0.35 s apart."""
        admitted = []
        for _ in range(4):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            n = 0
            for _ in range(12):
                conn.request("GET", "/index.html")
                res = conn.getresponse()
                res.read()
                n += res.status == 200
            conn.close()
            admitted.append(n)
            time.sleep(0.35)
        return admitted

    def test_nodelay_admits_what_nginx_admits(self):
        nginx = self.start_nginx_limited(5, nodelay=True)
        time.sleep(1.2)  # start_nginx_with's readiness probe counted against the zone: let it drain
        expected = self.sequence(nginx)
        self.start_limited("\t\talgorithm leaky_bucket\n\t\trate 10\n\t\tburst 5")
        got = self.sequence(self.port)
        self.assertEqual(expected[0], 6)
        for e, g in zip(expected, got):
            self.assertLessEqual(abs(e - g), 1, (expected, got))

    def test_delay_admits_and_paces_as_nginx_without_nodelay(self):
        nginx = self.start_nginx_limited(5, nodelay=False)
        time.sleep(1.2)
        theirs = concurrently(nginx, 10, "/index.html")
        self.start_limited("\t\talgorithm leaky_bucket\n\t\trate 10\n\t\tburst 5\n\t\treject delay")
        ours = concurrently(self.port, 10, "/index.html")
        self.assertEqual(sorted(r[0] for r in ours), sorted(r[0] for r in theirs))
        self.assertEqual([r[0] for r in ours].count(200), 6)
        # The five that waited left 0.1 s apart, the last after about half a second, as nginx's.
        slowest = max(t for status, t in ours if status == 200)
        self.assertAlmostEqual(slowest, max(t for status, t in theirs if status == 200), delta=0.15)


class Keys(RateLimitCase):
    def three_of(self, headers):
        return [get(self.port, headers=headers).status for _ in range(3)]

    def test_clients_behind_a_trusted_proxy_are_limited_by_their_own_address(self):
        # JSON: Caddy 2.6.2's Caddyfile has no trusted_proxies (its JSON does, as ProxFlow's).
        self.port = free_port()
        handlers = [{"handler": "rate_limit", "rate": "1/m", "burst": 2}, {"handler": "static_response", "body": "ok"}]
        self.start_proxflow(harness.proxy_config(self.port, handlers, server_extra={
            "trusted_proxies": {"source": "static", "ranges": ["127.0.0.1/32"]}}), wait_port=self.port)
        self.assertEqual(self.three_of({"X-Forwarded-For": "203.0.113.7"}), [200, 200, 429])
        self.assertEqual(self.three_of({"X-Forwarded-For": "203.0.113.8"}), [200, 200, 429])

    def test_users_are_limited_apart(self):
        import base64
        self.start_limited("\t\trate 1/m\n\t\tburst 2\n\t\tkey user", site_extra=f"\tbasicauth {{\n\t\tbob {BCRYPT}\n\t\talice {BCRYPT}\n\t}}")
        for user in ("bob", "alice"):
            auth = {"Authorization": "Basic " + base64.b64encode(f"{user}:hunter2".encode()).decode()}
            self.assertEqual(self.three_of(auth), [200, 200, 429], user)

    def test_api_keys_are_limited_apart_from_a_header_a_bearer_token_or_the_query(self):
        self.start_limited("\t\trate 1/m\n\t\tburst 2\n\t\tkey api_key")
        self.assertEqual(self.three_of({"X-API-Key": "k1"}), [200, 200, 429])
        self.assertEqual(self.three_of({"Authorization": "Bearer k2"}), [200, 200, 429])
        # The same key however it comes: k2 in the query is spent already.
        self.assertEqual(get(self.port, "/?api_key=k2").status, 429)
        self.assertEqual(get(self.port, "/?api_key=k3").status, 200)


class Observability(RateLimitCase):
    def test_each_result_is_counted_by_zone_in_metrics_and_the_admin_api(self):
        self.start_limited("\t\tzone api\n\t\trate 1/m\n\t\tburst 2")
        for _ in range(5):
            get(self.port)
        status, _, body = harness.http("GET", f"http://127.0.0.1:{self.admin}/metrics")
        text = body.decode()
        self.assertIn('proxflow_rate_limit_requests_total{zone="api",result="allowed"} 2', text)
        self.assertIn('proxflow_rate_limit_requests_total{zone="api",result="rejected"} 3', text)
        self.assertIn('# TYPE proxflow_rate_limit_keys gauge', text)
        self.assertIn('proxflow_rate_limit_keys{zone="api"} 1', text)
        status, _, body = harness.http("GET", f"http://127.0.0.1:{self.admin}/rate_limit/zones")
        self.assertEqual(status, 200)
        import json
        zones = json.loads(body)
        self.assertEqual([(z["zone"], z["allowed"], z["rejected"]) for z in zones], [("api", 2, 3)])


class BadInput(RateLimitCase):
    def validate(self, body):
        path = os.path.join(self.tmp, "Caddyfile")
        with open(path, "w") as f:
            f.write(":8080 {\n\trate_limit {\n" + body + "\n\t}\n}\n")
        return self.run_proxflow("validate", "--config", path, "--adapter", "caddyfile")

    def test_mistakes_are_named_at_their_line(self):
        for body, line, words in [("\t\trate 0", 3, "the rate must be above 0"),
                                  ("\t\trate -5", 3, "the rate must be above 0"),
                                  ("\t\trate 10\n\t\talgorithm fixed_window", 4, "unknown algorithm 'fixed_window'"),
                                  ("\t\trate 10\n\t\talgorithm sliding_window\n\t\tburst 3", 5, "burst applies to token_bucket and leaky_bucket")]:
            result = self.validate(body)
            self.assertNotEqual(result.returncode, 0, body)
            self.assertIn(f"Caddyfile:{line}: rate_limit:", result.stderr, body)
            self.assertIn(words, result.stderr, body)


if __name__ == "__main__":
    unittest.main()
