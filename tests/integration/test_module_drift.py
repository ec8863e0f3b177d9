"""Handlers that used to adapt and export but not run, now run: request_body's max_size answers 413
(a declared Content-Length at once, a chunked body when it crosses the cap), the metrics handler
serves the Prometheus exposition on a route with the metric families modules declare, and a
response header set with `?` only fills a field the response lacks. A subroute's error routes,
which the engine cannot run, are refused at their JSON path instead of being loaded and ignored."""
import json
import os
import socket
import unittest

import harness
from harness import free_port, http, reverse_proxy


def raw_exchange(port, data, timeout=10):
    """Sends bytes, returns everything the server answers until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return out


class RequestBodyCap(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.sink = self.start_backend("body_sink")
        self.port = free_port()
        self.start_proxflow(f"""
:{self.port} {{
	bind 127.0.0.1
	request_body {{
		max_size 1KB
	}}
	reverse_proxy 127.0.0.1:{self.sink.port}
}}
""", caddyfile=True, wait_port=self.port)

    def test_a_body_within_the_cap_reaches_the_upstream(self):
        status, _, body = http("POST", f"http://127.0.0.1:{self.port}/up", body=b"x" * 1000)
        self.assertEqual(status, 200)
        self.assertIn(b"1000", body)

    def test_a_declared_length_over_the_cap_is_answered_413_at_once(self):
        answer = raw_exchange(self.port, b"POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000000000\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 413 "), answer[:80])

    def test_a_chunked_body_crossing_the_cap_is_answered_413_and_the_connection_closes(self):
        chunk = b"400\r\n" + b"y" * 1024 + b"\r\n"
        answer = raw_exchange(self.port, b"POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk * 3 + b"0\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 413 "), answer[:80])
        self.assertEqual(answer.count(b"HTTP/1.1"), 1)


class MetricsRoute(harness.ProxyTestCase):
    def test_the_metrics_route_serves_the_exposition_with_module_families(self):
        root = os.path.join(self.tmp, "www")
        os.makedirs(root)
        with open(os.path.join(root, "a.txt"), "w") as f:
            f.write("hello\n")
        port = free_port()
        self.start_proxflow(f"""
:{port} {{
	bind 127.0.0.1
	metrics /metrics
	root * {root}
	file_server
}}
""", caddyfile=True, wait_port=port)
        for _ in range(3):
            self.assertEqual(http("GET", f"http://127.0.0.1:{port}/a.txt")[0], 200)
        status, headers, body = http("GET", f"http://127.0.0.1:{port}/metrics")
        self.assertEqual(status, 200)
        text = body.decode()
        self.assertIn("# TYPE proxflow_http_requests_total counter", text)
        self.assertIn(f'proxflow_file_server_files_total{{root="{{http.vars.root}}"}} 3', text)
        self.assertIn(f'proxflow_file_server_bytes_total{{root="{{http.vars.root}}"}} 18', text)


class ConditionalHeader(harness.ProxyTestCase):
    def test_a_question_mark_header_only_fills_a_field_the_response_lacks(self):
        nginx = self.start_nginx()
        port = free_port()
        self.start_proxflow(f"""
:{port} {{
	bind 127.0.0.1
	header ?Server "filled-in"
	respond /own "own answer"
	reverse_proxy 127.0.0.1:{nginx.port}
}}
""", caddyfile=True, wait_port=port)
        _, proxied, _ = http("GET", f"http://127.0.0.1:{port}/")
        _, own, _ = http("GET", f"http://127.0.0.1:{port}/own")
        self.assertTrue(proxied.get("Server", "").startswith("nginx"), proxied.get("Server"))
        self.assertEqual(own.get("Server"), "filled-in")


class SubrouteErrors(harness.ProxyTestCase):
    def test_error_routes_of_a_subroute_are_refused_at_their_path(self):
        config = harness.proxy_config(free_port(), [{"handler": "subroute", "routes": [],
                                                    "errors": {"routes": [{"handle": [{"handler": "static_response"}]}]}}])
        path = os.path.join(self.tmp, "c.json")
        with open(path, "w") as f:
            json.dump(config, f)
        result = self.run_proxflow("validate", "--config", path)
        self.assertEqual(result.returncode, 1)
        self.assertIn("apps.http.servers.srv0.routes[0].handle[0].errors", result.stderr)
        self.assertIn("not supported by ProxFlow yet", result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
