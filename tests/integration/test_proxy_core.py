"""reverse_proxy against real backends: load-balancing policies, retries, health checks, headers, errors."""
import collections
import http.client as httpclient
import json
import os
import socket
import unittest

import harness
from harness import free_port, http, proxy_config, reverse_proxy, wait_until


def backend_of(port, path="/", headers=None):
    status, hdrs, body = http("GET", f"http://127.0.0.1:{port}{path}", headers=headers)
    return status, hdrs.get("X-Backend")


class LoadBalancing(harness.ProxyTestCase):
    def start(self, names, **options):
        self.backends = [self.start_backend("named", n) for n in names]
        self.port = free_port()
        self.start_proxflow(proxy_config(self.port, [reverse_proxy(*[b.port for b in self.backends], **options)]),
                            wait_port=self.port)

    def spread(self, n, path="/", headers=None):
        return collections.Counter(backend_of(self.port, path, headers)[1] for _ in range(n))

    def test_round_robin_alternates_exactly(self):
        self.start(["a", "b", "c"], load_balancing={"selection_policy": {"policy": "round_robin"}})
        seen = [backend_of(self.port)[1] for _ in range(9)]
        self.assertEqual(collections.Counter(seen), {"a": 3, "b": 3, "c": 3})
        self.assertEqual(seen[0:3], seen[3:6])  # a fixed rotation

    def test_weighted_round_robin_follows_weights(self):
        self.start(["a", "b"], load_balancing={"selection_policy": {"policy": "weighted_round_robin", "weights": [3, 1]}})
        self.assertEqual(self.spread(40), {"a": 30, "b": 10})

    def test_random_and_random_choose_reach_every_upstream(self):
        for policy in ({"policy": "random"}, {"policy": "random_choose", "choose": 2}):
            with self.subTest(policy=policy["policy"]):
                self.procs.stop_all()
                self.start(["a", "b", "c"], load_balancing={"selection_policy": policy})
                counts = self.spread(150)
                self.assertEqual(set(counts), {"a", "b", "c"})
                self.assertTrue(all(c > 15 for c in counts.values()), counts)

    def test_first_sends_everything_to_the_first_available(self):
        dead = free_port()
        self.backends = [self.start_backend("named", "a"), self.start_backend("named", "b")]
        self.port = free_port()
        self.start_proxflow(proxy_config(self.port, [reverse_proxy(
            self.backends[0].port, self.backends[1].port,
            load_balancing={"selection_policy": {"policy": "first"}},
            health_checks={"passive": {"fail_duration": "30s"}})]), wait_port=self.port)
        self.assertEqual(self.spread(10), {"a": 10})
        self.procs.stop(self.backends[0])
        backend_of(self.port)  # the failed attempt marks a down (passive)
        self.assertEqual(self.spread(10), {"b": 10})

    def test_least_conn_avoids_the_busy_upstream(self):
        import threading
        self.start_with_admin(["a", "b"], load_balancing={"selection_policy": {"policy": "least_conn"}})
        slow = threading.Thread(target=lambda: http("GET", f"http://127.0.0.1:{self.port}/slow?ms=1500"))
        slow.start()
        # wait until the slow request is in flight at one upstream
        wait_until(lambda: any(u["num_requests"] > 0 for u in self.upstreams()), what="slow request in flight")
        busy = [u["address"] for u in self.upstreams() if u["num_requests"] > 0][0]
        other = {f"127.0.0.1:{b.port}": n for b, n in zip(self.backends, ["a", "b"])}
        idle_name = [n for addr, n in other.items() if addr != busy][0]
        self.assertEqual(self.spread(10), {idle_name: 10})
        slow.join()

    def upstreams(self):
        return json.loads(http("GET", f"http://127.0.0.1:{self.admin}/reverse_proxy/upstreams")[2])

    def start_with_admin(self, names, **options):
        self.backends = [self.start_backend("named", n) for n in names]
        self.port, self.admin = free_port(), free_port()
        self.start_proxflow(proxy_config(self.port, [reverse_proxy(*[b.port for b in self.backends], **options)],
                                         admin_port=self.admin), wait_port=self.port)

    def test_hash_policies_keep_a_key_on_one_upstream(self):
        cases = [
            ({"policy": "uri_hash"}, lambda i: (f"/item/{i}", None)),
            ({"policy": "header", "field": "X-User"}, lambda i: ("/", {"X-User": f"user{i}"})),
            ({"policy": "query", "key": "user"}, lambda i: (f"/?user={i}", None)),
        ]
        for policy, request in cases:
            with self.subTest(policy=policy["policy"]):
                self.procs.stop_all()
                self.start(["a", "b", "c"], load_balancing={"selection_policy": policy})
                owners = set()
                for key in range(12):
                    path, headers = request(key)
                    seen = {backend_of(self.port, path, headers)[1] for _ in range(4)}
                    self.assertEqual(len(seen), 1, f"key {key} moved between {seen}")
                    owners |= seen
                self.assertGreater(len(owners), 1, "different keys should spread")

    def from_source(self, source, headers=None, path="/"):
        """A GET from a given loopback source address (loopback accepts any 127.x as a source)."""
        conn = httpclient.HTTPConnection("127.0.0.1", self.port, timeout=10, source_address=(source, 0))
        try:
            conn.request("GET", path, headers=headers or {})
            res = conn.getresponse()
            res.read()
            self.assertEqual(res.status, 200)
            return res.getheader("X-Backend")
        finally:
            conn.close()

    def owners(self, requests):
        """Runs each key's request 4 times; asserts each key stays on one upstream; returns the upstreams seen."""
        seen_all = set()
        for key, request in requests.items():
            seen = {request() for _ in range(4)}
            self.assertEqual(len(seen), 1, f"{key} moved between {seen}")
            seen_all |= seen
        return seen_all

    def test_ip_hash_keeps_a_client_on_one_upstream(self):
        self.start(["a", "b", "c"], load_balancing={"selection_policy": {"policy": "ip_hash"}})
        sources = {f"127.0.0.{n}": (lambda src=f"127.0.0.{n}": self.from_source(src)) for n in range(2, 14)}
        self.assertGreater(len(self.owners(sources)), 1, "twelve client addresses should spread")
        # ip_hash looks at the peer only: a forwarded client address changes nothing.
        xff = {ip: (lambda ip=ip: self.from_source("127.0.0.2", {"X-Forwarded-For": ip}))
               for ip in (f"203.0.113.{n}" for n in range(1, 13))}
        self.assertEqual(len(self.owners(xff)), 1)

    def test_client_ip_hash_hashes_the_forwarded_client_ip_from_a_trusted_proxy(self):
        self.backends = [self.start_backend("named", n) for n in ("a", "b", "c")]
        self.port = free_port()
        ports = [b.port for b in self.backends]
        handler = reverse_proxy(*ports, load_balancing={"selection_policy": {"policy": "client_ip_hash"}})
        self.start_proxflow(proxy_config(self.port, [handler], server_extra={
            "trusted_proxies": {"source": "static", "ranges": ["127.0.0.1/32"]}}), wait_port=self.port)
        clients = [f"203.0.113.{n}" for n in range(1, 13)]
        # From the trusted proxy 127.0.0.1: each forwarded client sticks, and different ones spread.
        trusted = {ip: (lambda ip=ip: self.from_source("127.0.0.1", {"X-Forwarded-For": f"{ip}, 10.0.0.1"}))
                   for ip in clients}
        self.assertGreater(len(self.owners(trusted)), 1, "twelve forwarded clients should spread")
        # The left-most address is the client: the hops after it do not move it.
        for ip in clients[:3]:
            self.assertEqual(self.from_source("127.0.0.1", {"X-Forwarded-For": ip}), trusted[ip]())
        # From an untrusted peer the header is ignored: the peer's address is the client.
        untrusted = {ip: (lambda ip=ip: self.from_source("127.0.0.7", {"X-Forwarded-For": ip})) for ip in clients}
        self.assertEqual(len(self.owners(untrusted)), 1)

    def test_header_policy_without_the_header_still_serves(self):
        self.start(["a", "b"], load_balancing={"selection_policy": {"policy": "header", "field": "X-User"}})
        results = [backend_of(self.port) for _ in range(40)]
        self.assertTrue(all(status == 200 for status, _ in results), results)
        # No key: the default fallback is random, so both upstreams serve.
        self.assertEqual({name for _, name in results}, {"a", "b"})

    def test_fallback_policy_serves_requests_without_the_key(self):
        cases = [
            ({"policy": "header", "field": "X-User", "fallback": {"policy": "first"}}, {"a": 8}),
            ({"policy": "query", "key": "user", "fallback": {"policy": "first"}}, {"a": 8}),
            ({"policy": "query", "key": "user", "fallback": {"policy": "round_robin"}}, {"a": 4, "b": 4}),
            ({"policy": "cookie", "name": "lb", "fallback": {"policy": "first"}}, {"a": 8}),
        ]
        for policy, expected in cases:
            with self.subTest(policy=policy):
                self.procs.stop_all()
                self.start(["a", "b"], load_balancing={"selection_policy": policy})
                self.assertEqual(self.spread(8), expected)

    def test_fallback_is_refused_on_a_policy_without_one(self):
        port = free_port()
        path = os.path.join(self.tmp, "bad.json")
        with open(path, "w") as f:
            json.dump(proxy_config(port, [reverse_proxy(free_port(), load_balancing={
                "selection_policy": {"policy": "round_robin", "fallback": {"policy": "first"}}})]), f)
        res = self.run_proxflow("validate", "--config", path)
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertIn("selection_policy.fallback", res.stderr)

    def test_cookie_policy_sets_a_cookie_that_sticks(self):
        self.start(["a", "b", "c"], load_balancing={"selection_policy": {"policy": "cookie", "name": "lb", "secret": "s3"}})
        status, headers, _ = http("GET", f"http://127.0.0.1:{self.port}/")
        cookie = headers["Set-Cookie"].split(";")[0]
        self.assertTrue(cookie.startswith("lb="))
        first = headers["X-Backend"]
        for _ in range(10):
            self.assertEqual(backend_of(self.port, headers={"Cookie": cookie})[1], first)


class RetriesAndHealth(harness.ProxyTestCase):
    def test_retries_land_on_a_healthy_upstream(self):
        live = self.start_backend("named", "live")
        dead = free_port()
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(dead, live.port, load_balancing={
            "selection_policy": {"policy": "round_robin"}, "retries": 2})]), wait_port=port)
        results = [backend_of(port) for _ in range(20)]
        self.assertEqual(results, [(200, "live")] * 20)

    def test_without_retries_a_dead_upstream_gives_502(self):
        live = self.start_backend("named", "live")
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(free_port(), live.port, load_balancing={
            "selection_policy": {"policy": "round_robin"}})]), wait_port=port)
        statuses = collections.Counter(backend_of(port)[0] for _ in range(10))
        self.assertEqual(statuses, {200: 5, 502: 5})

    def test_passive_checks_take_a_killed_backend_out_and_bring_it_back(self):
        a, b = self.start_backend("named", "a"), self.start_backend("named", "b")
        port, admin = free_port(), free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(a.port, b.port,
            load_balancing={"selection_policy": {"policy": "round_robin"}, "retries": 1},
            health_checks={"passive": {"fail_duration": "2s", "max_fails": 1}})], admin_port=admin), wait_port=port)
        self.procs.stop(a)
        self.assertEqual({backend_of(port)[1] for _ in range(10)}, {"b"})
        ups = {u["address"]: u for u in json.loads(http("GET", f"http://127.0.0.1:{admin}/reverse_proxy/upstreams")[2])}
        self.assertGreaterEqual(ups[f"127.0.0.1:{a.port}"]["fails"], 1)
        self.assertIs(ups[f"127.0.0.1:{a.port}"]["healthy"], False)  # passively down, as its requests see it
        self.assertIs(ups[f"127.0.0.1:{b.port}"]["healthy"], True)
        self.start_backend("named", "a", port=a.port)
        wait_until(lambda: "a" in {backend_of(port)[1] for _ in range(4)}, timeout=6, what="a back in rotation")

    def test_active_checks_follow_the_health_endpoint(self):
        a, b = self.start_backend("named", "a"), self.start_backend("named", "b")
        port, admin = free_port(), free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(a.port, b.port,
            load_balancing={"selection_policy": {"policy": "round_robin"}},
            health_checks={"active": {"uri": "/health", "interval": "200ms", "timeout": "1s"}})], admin_port=admin),
            wait_port=port)
        healthy = lambda: {u["address"]: u["healthy"] for u in json.loads(http("GET", f"http://127.0.0.1:{admin}/reverse_proxy/upstreams")[2])}
        open(os.path.join(self.tmp, "a.down"), "w").close()  # named.py answers 503 on /health now
        wait_until(lambda: healthy()[f"127.0.0.1:{a.port}"] is False, what="a marked unhealthy")
        self.assertEqual({backend_of(port)[1] for _ in range(10)}, {"b"})
        os.remove(os.path.join(self.tmp, "a.down"))
        wait_until(lambda: healthy()[f"127.0.0.1:{a.port}"] is True, what="a healthy again")
        self.assertEqual({backend_of(port)[1] for _ in range(10)}, {"a", "b"})

    def test_no_available_upstream_gives_503(self):
        a = self.start_backend("named", "a")
        port = free_port()
        open(os.path.join(self.tmp, "a.down"), "w").close()
        self.start_proxflow(proxy_config(port, [reverse_proxy(a.port, health_checks={
            "active": {"uri": "/health", "interval": "200ms"}})]), wait_port=port)
        wait_until(lambda: backend_of(port)[0] == 503, what="503 once a is down")

    def test_an_upstream_that_does_not_answer_in_time_gives_504(self):
        a = self.start_backend("named", "a")
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(a.port, transport={
            "protocol": "http", "response_header_timeout": "300ms"})]), wait_port=port)
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/slow?ms=2000")[0], 504)
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[0], 200)


class Headers(harness.ProxyTestCase):
    def seen_by_backend(self, handler_options, request_headers=None, trusted=False):
        a = self.start_backend("named", "a")
        port = free_port()
        options = dict(handler_options)
        if trusted:
            options["trusted_proxies"] = ["127.0.0.1/8"]
        self.start_proxflow(proxy_config(port, [reverse_proxy(a.port, **options)]), wait_port=port)
        status, headers, body = http("GET", f"http://127.0.0.1:{port}/p", headers=request_headers)
        return headers, json.loads(body)["headers"]

    def test_forwarded_headers_and_host_reach_the_backend(self):
        _, up = self.seen_by_backend({}, {"Host": "shop.example", "X-Forwarded-For": "203.0.113.9"})
        self.assertEqual(up["Host"], "shop.example")
        self.assertEqual(up["X-Forwarded-For"], "127.0.0.1")  # untrusted peer: replaced
        self.assertEqual(up["X-Forwarded-Proto"], "http")
        self.assertEqual(up["X-Forwarded-Host"], "shop.example")

    def test_trusted_proxies_append_to_x_forwarded_for(self):
        _, up = self.seen_by_backend({}, {"X-Forwarded-For": "203.0.113.9"}, trusted=True)
        self.assertEqual(up["X-Forwarded-For"], "203.0.113.9, 127.0.0.1")

    def test_header_up_and_header_down_apply_with_placeholders(self):
        down, up = self.seen_by_backend({"headers": {
            "request": {"set": {"X-Client": ["{http.request.remote.host}"]}, "add": {"X-Tag": ["one"]},
                        "delete": ["X-Secret"], "replace": {"User-Agent": [{"search": "curl", "replace": "client"}]}},
            "response": {"set": {"X-Served-By": ["{http.reverse_proxy.upstream.hostport}"]}, "delete": ["X-Backend"]}}},
            {"X-Secret": "s", "User-Agent": "curl/7"})
        self.assertEqual(up["X-Client"], "127.0.0.1")
        self.assertEqual(up["X-Tag"], "one")
        self.assertNotIn("X-Secret", up)
        self.assertEqual(up["User-Agent"], "client/7")
        self.assertNotIn("X-Backend", down)
        self.assertTrue(down["X-Served-By"].startswith("127.0.0.1:"))

    def test_hop_by_hop_headers_do_not_reach_the_backend(self):
        a = self.start_backend("named", "a")
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(a.port)]), wait_port=port)
        # A raw request: urllib would rewrite Connection itself.
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\n"
                  b"Proxy-Connection: keep-alive\r\nTE: trailers\r\nUpgrade: h2c\r\nX-Kept: yes\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        up = json.loads(data.partition(b"\r\n\r\n")[2])["headers"]
        self.assertEqual(up["X-Kept"], "yes")
        for name in ("X-Hop", "Keep-Alive", "Proxy-Connection", "TE", "Upgrade"):
            self.assertNotIn(name, up)

    def test_x_forwarded_proto_and_host_are_kept_from_a_trusted_proxy_only(self):
        sent = {"Host": "inner.example", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "outer.example"}
        for trust in ("handler", "server", None):
            with self.subTest(trusted=trust):
                self.procs.stop_all()
                a = self.start_backend("named", "a")
                port = free_port()
                options = {"trusted_proxies": ["127.0.0.1/8"]} if trust == "handler" else {}
                server = {"trusted_proxies": {"source": "static", "ranges": ["127.0.0.0/8"]}} if trust == "server" else {}
                self.start_proxflow(proxy_config(port, [reverse_proxy(a.port, **options)], server_extra=server),
                                    wait_port=port)
                up = json.loads(http("GET", f"http://127.0.0.1:{port}/p", headers=sent)[2])["headers"]
                if trust:
                    self.assertEqual((up["X-Forwarded-Proto"], up["X-Forwarded-Host"]), ("https", "outer.example"))
                else:  # an untrusted peer's claims are overwritten with what the proxy saw
                    self.assertEqual((up["X-Forwarded-Proto"], up["X-Forwarded-Host"]), ("http", "inner.example"))

    def raw_response(self, port, request):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        s.close()
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        return lines[0], headers, body

    def test_hop_by_hop_headers_of_the_response_do_not_reach_the_client(self):
        a = self.start_backend("named", "a")
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(a.port)]), wait_port=port)
        status, headers, body = self.raw_response(port, b"GET /hop HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        self.assertEqual(status, "HTTP/1.1 200 OK")
        self.assertEqual(headers["x-kept"], ["yes"])
        self.assertEqual(body, b"hop")
        for name in ("x-hop-res", "keep-alive", "proxy-authenticate", "upgrade"):
            self.assertNotIn(name, headers)
        self.assertEqual(headers.get("connection"), ["close"])  # the proxy's own, for this client

    def test_a_chunked_response_is_reframed_for_each_client_version(self):
        a = self.start_backend("named", "a")
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(a.port)]), wait_port=port)
        # HTTP/1.1: re-chunked, one Transfer-Encoding.
        status, headers, body = self.raw_response(port, b"GET /chunked HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        self.assertEqual(headers["transfer-encoding"], ["chunked"])
        self.assertNotIn("content-length", headers)
        self.assertIn(b"alpha", body)
        self.assertTrue(body.endswith(b"0\r\n\r\n"), body)
        # HTTP/1.0 knows no chunks: the body comes raw and ends with the connection.
        status, headers, body = self.raw_response(port, b"GET /chunked HTTP/1.0\r\nHost: t\r\n\r\n")
        self.assertTrue(status.startswith("HTTP/1."), status)
        self.assertNotIn("transfer-encoding", headers)
        self.assertEqual(body, b"alphabetagamma")

if __name__ == "__main__":
    unittest.main()
