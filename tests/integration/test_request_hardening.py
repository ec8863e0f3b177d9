"""Issue 17's findings, each with the bytes the outside probe sent: what a request must look like
before routes and upstreams see it (one Content-Length, origin-form with the target's authority as
Host, no dot segments, no TRACE, Max-Forwards honoured), 400 for broken chunk framing, a body that
never comes is cut off, and a cap on client connections that idle or slow clients cannot exhaust."""
import re
import socket
import time
import unittest
import urllib.request

import harness
from harness import free_port, http, proxy_config, reverse_proxy, wait_until
from raw_http import exchange, statuses


class RequestHardening(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.seen_log = f"{self.tmp}/seen.log"
        open(self.seen_log, "w").close()
        self.backend = self.start_backend("recording", self.seen_log)
        self.port = free_port()
        admin_only = {"handler": "static_response", "status_code": 403, "body": "admin only"}
        routes = [{"match": [{"path": ["/admin*"]}], "handle": [admin_only], "terminal": True},
                  {"match": [{"host": ["evil.example"]}], "handle": [reverse_proxy(self.backend.port)], "terminal": True},
                  {"match": [{"host": ["127.0.0.1"]}], "handle": [reverse_proxy(self.backend.port)], "terminal": True}]
        self.proxy = self.start_proxflow(
            proxy_config(self.port, None, routes=routes,
                         server_extra={"read_timeout": "2s", "automatic_https": {"disable": True}}),
            wait_port=self.port)

    def requests_seen(self):
        """(request line, {field: [values]}) for every request the backend received."""
        seen = []
        with open(self.seen_log) as f:
            for line in f:
                if not line.startswith(" "):
                    seen.append((line.rstrip("\n"), {}))
                elif ": " in line and seen:
                    name, value = line.strip().split(": ", 1)
                    seen[-1][1].setdefault(name.lower(), []).append(value)
        return seen

    def send(self, data, timeout=3.0):
        return exchange(self.port, data.replace(b"PORT", str(self.port).encode()), timeout=timeout)

    def test_a_repeated_identical_content_length_reaches_the_upstream_once(self):
        data, _ = self.send(b"POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nAAAAA")
        self.assertEqual(statuses(data), [200], data)
        [(line, fields)] = [r for r in self.requests_seen() if r[0].startswith("POST")]
        self.assertEqual(fields.get("content-length"), ["5"])

    def test_an_absolute_form_target_is_routed_by_its_authority_not_by_host(self):
        data, _ = self.send(b"GET http://127.0.0.1:PORT/x HTTP/1.1\r\nHost: evil.example\r\n\r\n")
        self.assertEqual(statuses(data), [200], data)
        [(line, fields)] = self.requests_seen()
        self.assertEqual(line.split()[:2], ["GET", "/x"])
        self.assertEqual(fields["host"], [f"127.0.0.1:{self.port}"])

    def test_an_absolute_form_target_is_forwarded_in_origin_form_with_its_host(self):
        data, _ = self.send(b"GET http://evil.example/x HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n\r\n")
        self.assertEqual(statuses(data), [200], data)
        [(line, fields)] = self.requests_seen()
        self.assertEqual(line.split()[:2], ["GET", "/x"])
        self.assertEqual(fields["host"], ["evil.example"])

    def test_a_path_climbing_above_the_root_gets_400(self):
        for target in (b"/../../etc/passwd", b"/%2e%2e/%2e%2e/etc/passwd", b"/a/../../etc/passwd"):
            with self.subTest(target=target):
                data, _ = self.send(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                self.assertEqual(statuses(data), [400], data)
        self.assertEqual(self.requests_seen(), [])

    def test_dot_segments_are_removed_before_routing_and_forwarding(self):
        data, _ = self.send(b"GET /a/./b/../c?q=/../x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.assertEqual(statuses(data), [200], data)
        self.assertEqual(self.requests_seen()[0][0].split()[1], "/a/c?q=/../x")

    def test_the_path_matcher_cannot_be_bypassed_by_spelling_the_path_another_way(self):
        for target in (b"/x/../admin", b"/x/%2e%2e/admin", b"/x/%2E./admin", b"//admin", b"/./admin", b"/%61dmin",
                       b"/ADMIN/panel", b"/admin.", b"/admin%2fpanel", b"///admin//panel"):
            with self.subTest(target=target):
                data, _ = self.send(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                self.assertEqual(statuses(data), [403], data)
        self.assertEqual(self.requests_seen(), [])

    def test_trace_is_refused_with_405_and_an_allow_field(self):
        for max_forwards in (b"Max-Forwards: 0\r\n", b""):
            data, closed = self.send(b"TRACE /x HTTP/1.1\r\nHost: 127.0.0.1\r\n" + max_forwards + b"\r\n")
            self.assertEqual(statuses(data), [405], data)
            self.assertRegex(data, rb"(?i)\r\nallow: GET, HEAD, POST")
            self.assertNotRegex(data, rb"(?i)\r\nallow:[^\r]*trace")
        self.assertEqual(self.requests_seen(), [])

    def test_options_with_max_forwards_zero_is_answered_by_the_proxy_and_otherwise_decremented(self):
        data, _ = self.send(b"OPTIONS /x HTTP/1.1\r\nHost: 127.0.0.1\r\nMax-Forwards: 0\r\n\r\n")
        self.assertEqual(statuses(data), [200], data)
        self.assertRegex(data, rb"(?i)\r\nallow: ")
        self.assertEqual(self.requests_seen(), [])
        data, _ = self.send(b"OPTIONS /x HTTP/1.1\r\nHost: 127.0.0.1\r\nMax-Forwards: 3\r\n\r\n")
        self.assertEqual(statuses(data), [200], data)
        [(line, fields)] = self.requests_seen()
        self.assertEqual(fields["max-forwards"], ["2"])

    def test_a_body_that_never_comes_is_cut_off_by_the_body_timeout(self):
        started = time.monotonic()
        data, closed = self.send(b"POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000000000\r\n\r\n", timeout=10)
        self.assertTrue(closed, "the connection was held past 10 s")
        self.assertLess(time.monotonic() - started, 6)

    def test_broken_chunk_framing_gets_400_before_the_close(self):
        for body in (b"10000000000000000\r\nA\r\n0\r\n\r\n", b"-1\r\nA\r\n0\r\n\r\n", b"5\r\nhelloXX0\r\n\r\n"):
            with self.subTest(body=body):
                data, closed = self.send(b"POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
                self.assertEqual(statuses(data), [400], data)
                self.assertTrue(closed)


class ConnectionCap(harness.ProxyTestCase):
    """Under `prlimit --nofile=160`, the cap is (160 - 64) / 2 = 48 client connections."""

    def setUp(self):
        super().setUp()
        harness.needs_programs("prlimit", why="the connection cap follows the descriptor limit")
        self.port, self.admin = free_port(), free_port()
        handler = {"handler": "static_response", "body": "ok"}
        self.proxy = self.start_proxflow(proxy_config(self.port, [handler], admin_port=self.admin,
                                                      server_extra={"read_header_timeout": "30s"}),
                                         wait_port=self.port, wrapper=("prlimit", "--nofile=160:160", "--"), threads=1)
        self.held = []
        self.addCleanup(lambda: [s.close() for s in self.held])

    def open_connections(self, count, first_bytes=b""):
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            if first_bytes:
                s.sendall(first_bytes)
            self.held.append(s)

    @staticmethod
    def answer_or_reset(s):
        """A refused connection ends with FIN, or with RST when the request was already in the
        kernel's buffer as the engine closed it: both are refusals; only bytes would be service."""
        try:
            return s.recv(100)
        except ConnectionResetError:
            return b""

    def refused(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.admin}/metrics", timeout=5) as res:
            text = res.read().decode()
        return float(re.search(r"^proxflow_http_connections_refused_total (\S+)$", text, re.M).group(1))

    def test_idle_connections_make_room_for_new_ones(self):
        self.open_connections(80)  # nothing sent: each waits for its first request
        status, _, body = http("GET", f"http://127.0.0.1:{self.port}/")
        self.assertEqual((status, body), (200, b"ok"))
        self.assertEqual(self.refused(), 0)

    def test_past_the_cap_busy_connections_are_kept_and_new_ones_refused_with_a_log_line_and_a_metric(self):
        self.open_connections(48, b"GET / HTTP/1.1\r\n")  # each mid-header: not idle, never evicted
        time.sleep(0.3)
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assertEqual(self.answer_or_reset(s), b"", "a connection past the cap was served")
        s.close()
        wait_until(lambda: self.refused() >= 1, what="the refused-connections counter")
        wait_until(lambda: "client connection cap reached" in harness.log_of(self.proxy), what="the log line")
        for s in self.held:
            s.close()
        self.held.clear()
        wait_until(lambda: http("GET", f"http://127.0.0.1:{self.port}/")[0] == 200, what="service after the flood")


if __name__ == "__main__":
    unittest.main()
