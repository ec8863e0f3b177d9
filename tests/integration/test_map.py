"""The map handler (from a Caddyfile, as users write it): outputs by exact input, by regexp with
captures, "-" falling back to the default, and reverse_proxy upstreams whose dial is a mapped
placeholder, resolved per request."""
import http.client
import json
import unittest

import harness
from harness import free_port


class Map(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.a = self.start_backend("named", "alpha")
        self.b = self.start_backend("named", "beta")
        self.port = free_port()
        self.start_proxflow(f"""
:{self.port} {{
	bind 127.0.0.1
	map {{host}} {{backend}} {{label}} {{
		~^port-(\\d+)\\.test$ 127.0.0.1:${{1}} "captured ${{1}}"
		beta.test 127.0.0.1:{self.b.port} -
		empty.test "" -
		default 127.0.0.1:{self.a.port} fallback
	}}
	map {{path}} {{port_only}} {{
		/partial {self.b.port}
		default {self.a.port}
	}}
	handle /label {{
		respond "{{label}}"
	}}
	handle /partial {{
		reverse_proxy 127.0.0.1:{{port_only}}
	}}
	handle {{
		header X-Label {{label}}
		reverse_proxy {{backend}}
	}}
}}
""", caddyfile=True, wait_port=self.port)

    def get(self, host, path="/"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", path, headers={"Host": host})
        res = conn.getresponse()
        body = res.read()
        conn.close()
        return res, body

    def backend_of(self, host, path="/"):
        res, body = self.get(host, path)
        self.assertEqual(res.status, 200, body)
        return json.loads(body)["backend"], res.getheader("X-Label")

    def test_exact_input_regexp_capture_and_default_choose_the_outputs(self):
        self.assertEqual(self.get("beta.test", "/label")[1], b"fallback")        # "-": the default
        self.assertEqual(self.get("other.test", "/label")[1], b"fallback")
        self.assertEqual(self.get("port-8080.test", "/label")[1], b"captured 8080")
        self.assertEqual(self.get("PORT-1.test", "/label")[1], b"fallback")       # inputs are case-sensitive

    def test_reverse_proxy_dials_the_mapped_upstream_per_request(self):
        self.assertEqual(self.backend_of("beta.test"), ("beta", "fallback"))
        self.assertEqual(self.backend_of("anything.test"), ("alpha", "fallback"))
        self.assertEqual(self.backend_of(f"port-{self.b.port}.test"), ("beta", f"captured {self.b.port}"))
        self.assertEqual(self.backend_of(f"port-{self.a.port}.test"), ("alpha", f"captured {self.a.port}"))
        # One kept-alive connection, upstreams alternating: each request gets its own.
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        for host, name in (("beta.test", "beta"), ("x.test", "alpha"), ("beta.test", "beta")):
            conn.request("GET", "/", headers={"Host": host})
            self.assertEqual(json.loads(conn.getresponse().read())["backend"], name)
        conn.close()

    def test_a_placeholder_port_joins_a_literal_host(self):
        self.assertEqual(self.backend_of("x.test", "/partial")[0], "beta")
        self.assertEqual(self.backend_of("x.test", "/other")[0], "alpha")

    def test_a_mapped_dial_that_is_no_address_is_a_500_and_a_dead_one_a_502(self):
        res, _ = self.get("empty.test")
        self.assertEqual(res.status, 500)
        res, _ = self.get(f"port-{free_port()}.test")
        self.assertEqual(res.status, 502)
        self.assertEqual(self.backend_of("beta.test")[0], "beta")   # the shared upstream entry still serves


class MapWithHealthChecks(harness.ProxyTestCase):
    def test_active_health_checks_skip_a_placeholder_upstream(self):
        backend = self.start_backend("named", "alpha")
        port = free_port()
        proc = self.start_proxflow(harness.proxy_config(port, [
            {"handler": "map", "source": "{http.request.host}", "destinations": ["{up}"],
             "defaults": [f"127.0.0.1:{backend.port}"]},
            {"handler": "reverse_proxy", "upstreams": [{"dial": "{up}"}],
             "health_checks": {"active": {"uri": "/health", "interval": "100ms", "timeout": "1s"}}}]), wait_port=port)
        for _ in range(5):
            status, _, body = harness.http("GET", f"http://127.0.0.1:{port}/")
            self.assertEqual((status, json.loads(body)["backend"]), (200, "alpha"))
        self.assertIsNone(proc.poll())


if __name__ == "__main__":
    unittest.main()
