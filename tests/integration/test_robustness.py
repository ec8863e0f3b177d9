"""Malformed and smuggling-shaped requests, slow clients and broken upstreams: the right status or
close, no desync, and the process keeps serving."""
import re
import socket
import subprocess
import time
import unittest

import harness
from harness import free_port, http, proxy_config, reverse_proxy, wait_until


def exchange(port, data, timeout=3):
    """Sends raw bytes; returns every status line the server wrote before closing or going quiet."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    out = b""
    try:
        while chunk := s.recv(65536):
            out += chunk
    except socket.timeout:
        pass
    s.close()
    # Bodies do not end in CRLF, so status lines are found anywhere, not only at line starts.
    return [m.decode() for m in re.findall(rb"HTTP/1\.1 \d{3} [A-Za-z ]*[A-Za-z]", out)]


class BadRequests(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.backend = self.start_backend("named", "a")
        self.port = free_port()
        self.proxy = self.start_proxflow(proxy_config(self.port, [reverse_proxy(self.backend.port)],
                                                      server_extra={"max_header_bytes": 16384, "read_header_timeout": "1s"}),
                                         wait_port=self.port)

    def tearDown(self):
        # After every case the process is alive and a fresh connection is served.
        self.assertIsNone(self.proxy.poll(), "proxflow died")
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/after")[0], 200)
        super().tearDown()

    def test_a_malformed_request_line_gets_400(self):
        self.assertEqual(exchange(self.port, b"GET /\x00bad HTTP/1.1\r\nHost: t\r\n\r\n"), ["HTTP/1.1 400 Bad Request"])
        self.assertEqual(exchange(self.port, b"NOT HTTP AT ALL\r\n\r\n"), ["HTTP/1.1 400 Bad Request"])

    def test_a_header_block_over_the_limit_gets_431(self):
        self.assertEqual(exchange(self.port, b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"),
                         ["HTTP/1.1 431 Request Header Fields Too Large"])

    def test_content_length_with_transfer_encoding_is_refused_and_nothing_is_smuggled(self):
        statuses = exchange(self.port, b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                                       b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assertEqual(statuses, ["HTTP/1.1 400 Bad Request"])

    def test_differing_duplicate_content_lengths_get_400(self):
        self.assertEqual(exchange(self.port, b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde"),
                         ["HTTP/1.1 400 Bad Request"])

    def test_an_unknown_transfer_encoding_gets_501(self):
        self.assertEqual(exchange(self.port, b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\nabc"),
                         ["HTTP/1.1 501 Not Implemented"])

    def test_obs_fold_is_unfolded_into_exactly_one_request(self):
        statuses = exchange(self.port, b"GET / HTTP/1.1\r\nHost: t\r\nX-Folded: a\r\n b\r\nConnection: close\r\n\r\n")
        self.assertEqual(statuses, ["HTTP/1.1 200 OK"])

    def test_pipelined_requests_are_answered_in_order(self):
        statuses = exchange(self.port, b"GET /status/201 HTTP/1.1\r\nHost: t\r\n\r\n"
                                       b"GET /status/202 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        self.assertEqual(statuses, ["HTTP/1.1 201 Created", "HTTP/1.1 202 Accepted"])

    def test_a_slowloris_client_is_cut_off_while_others_are_served(self):
        slow = [socket.create_connection(("127.0.0.1", self.port)) for _ in range(20)]
        for s in slow:
            s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n")
        start = time.monotonic()
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/meanwhile")[0], 200)
        for s in slow:
            s.settimeout(5)
            self.assertEqual(s.recv(100), b"", "a slow header should be cut off")
            s.close()
        self.assertLess(time.monotonic() - start, 4.5)

    def test_slowhttptest_leaves_the_proxy_serving(self):
        subprocess.run(["slowhttptest", "-H", "-c", "50", "-r", "25", "-i", "1", "-l", "4", "-p", "2", "-x", "10",
                        "-u", f"http://127.0.0.1:{self.port}/"], capture_output=True, timeout=30)


class BrokenUpstream(harness.ProxyTestCase):
    def test_an_upstream_that_closes_mid_response_closes_the_client(self):
        backend = self.start_backend("truncating")
        port = free_port()
        proxy = self.start_proxflow(proxy_config(port, [reverse_proxy(backend.port)]), wait_port=port)
        r = subprocess.run(["curl", "-sS", "-o", "/dev/null", "--max-time", "10", f"http://127.0.0.1:{port}/"],
                           capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0, "curl must see an incomplete body")
        self.assertIn("18", str(r.returncode))  # CURLE_PARTIAL_FILE
        self.assertIsNone(proxy.poll())
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/complete")[0], 200)


if __name__ == "__main__":
    unittest.main()
