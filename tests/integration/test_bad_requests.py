"""Malformed, oversized, smuggling and slow requests sent with raw sockets: each gets the answer RFC 9112
asks for, nothing reaches the upstream that should not, and the proxy keeps serving fresh clients."""
import os
import socket
import time
import unittest

import harness
from harness import free_port, http, proxy_config, reverse_proxy
from raw_http import exchange, statuses


class BadRequests(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.seen_log = os.path.join(self.tmp, "seen.log")
        open(self.seen_log, "w").close()
        self.backend = self.start_backend("recording", self.seen_log)
        self.port = free_port()
        self.proxy = self.start_proxflow(
            proxy_config(self.port, [reverse_proxy(self.backend.port)],
                         server_extra={"read_header_timeout": "1s", "idle_timeout": "1s", "max_header_bytes": 4096}),
            wait_port=self.port)

    def seen(self):
        with open(self.seen_log) as f:
            return f.read()

    def seen_paths(self):
        return [line.split(" ", 1)[1] for line in self.seen().splitlines() if not line.startswith(" ")]

    def assert_still_serving(self):
        self.assertIsNone(self.proxy.poll(), "proxflow exited:\n" + harness.log_of(self.proxy))
        status, _, body = http("GET", f"http://127.0.0.1:{self.port}/fresh")
        self.assertEqual((status, body), (200, b"seen GET /fresh\n"))

    # --- request line and header block ------------------------------------------------------------
    def test_a_malformed_request_line_gets_400_and_the_connection_closes(self):
        for line in (b"GARBAGE\r\n\r\n", b"GET / HTTP/9.Q\r\nHost: t\r\n\r\n", b"GET  HTTP/1.1\r\nHost: t\r\n\r\n",
                     b"G(T / HTTP/1.1\r\nHost: t\r\n\r\n"):
            with self.subTest(line=line):
                data, closed = exchange(self.port, line)
                self.assertEqual(statuses(data), [400], data)
                self.assertTrue(closed, "the connection stayed open after a 400")
        self.assertEqual(self.seen_paths(), [])
        self.assert_still_serving()

    def test_a_header_block_over_max_header_bytes_gets_431(self):
        request = b"GET /big HTTP/1.1\r\nHost: t\r\nX-Filler: " + b"a" * 8000 + b"\r\n\r\n"
        data, closed = exchange(self.port, request)
        self.assertEqual(statuses(data), [431], data)
        self.assertTrue(closed)
        self.assertNotIn("/big", self.seen_paths())
        self.assert_still_serving()

    def test_a_header_block_over_max_header_bytes_in_many_packets_gets_431(self):
        # Not all in the first read: the limit holds across reads too.
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        self.addCleanup(s.close)
        s.sendall(b"GET /big HTTP/1.1\r\nHost: t\r\n")
        received = b""
        try:
            for i in range(20):
                s.sendall(b"X-Filler-%d: " % i + b"b" * 500 + b"\r\n")
                time.sleep(0.02)  # separate segments, so the server parses as the bytes come
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while chunk := s.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
        self.assertEqual(statuses(received), [431], received)
        self.assertNotIn("/big", self.seen_paths())
        self.assert_still_serving()

    def test_a_malformed_request_after_a_good_one_on_the_same_connection_gets_400(self):
        data, closed = exchange(self.port, b"GET /good HTTP/1.1\r\nHost: t\r\n\r\nBROKEN LINE\r\n\r\n")
        self.assertEqual(statuses(data), [200, 400], data)
        self.assertTrue(closed)
        self.assertEqual(self.seen_paths(), ["/good"])
        self.assert_still_serving()

    def test_a_header_block_just_under_max_header_bytes_is_served(self):
        request = b"GET /fits HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Filler: " + b"a" * 3000 + b"\r\n\r\n"
        data, _ = exchange(self.port, request)
        self.assertEqual(statuses(data), [200], data)

    def test_an_http_1_1_request_without_host_gets_400(self):
        # RFC 9112 §3.2: "A server MUST respond with a 400 ... to any HTTP/1.1 request message that lacks a Host".
        data, closed = exchange(self.port, b"GET /nohost HTTP/1.1\r\n\r\n")
        self.assertEqual(statuses(data), [400], data)
        self.assertTrue(closed)
        self.assertNotIn("/nohost", self.seen_paths())
        self.assert_still_serving()

    def test_a_request_with_two_host_headers_gets_400(self):
        # RFC 9112 §3.2: the same 400 for "more than one Host header field line".
        data, closed = exchange(self.port, b"GET /twohosts HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n")
        self.assertEqual(statuses(data), [400], data)
        self.assertTrue(closed)
        self.assertNotIn("/twohosts", self.seen_paths())
        self.assert_still_serving()

    def test_an_http_1_0_request_without_host_is_served(self):
        data, closed = exchange(self.port, b"GET /old HTTP/1.0\r\n\r\n")
        self.assertEqual(statuses(data), [200], data)
        self.assertTrue(closed)

    def test_bare_cr_or_nul_in_a_header_value_gets_400(self):
        for header in (b"X-A: a\rb", b"X-A: a\x00b", b"Bad Name: x"):
            with self.subTest(header=header):
                data, closed = exchange(self.port, b"GET /ctl HTTP/1.1\r\nHost: t\r\n" + header + b"\r\n\r\n")
                self.assertEqual(statuses(data), [400], data)
                self.assertTrue(closed)
        self.assertEqual(self.seen_paths(), [])
        self.assert_still_serving()

    # --- smuggling ---------------------------------------------------------------------------------
    def test_content_length_with_transfer_encoding_gets_400_and_the_smuggled_request_is_not_served(self):
        request = (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"0\r\n\r\nGET /x HTTP/1.1\r\nHost: t\r\n\r\n")
        data, closed = exchange(self.port, request)
        self.assertEqual(statuses(data), [400], data)
        self.assertTrue(closed)
        self.assertNotIn("/x", self.seen_paths())
        self.assertEqual(self.seen_paths(), [], "nothing of this connection may reach the upstream")
        self.assert_still_serving()

    def test_transfer_encoding_before_content_length_is_rejected_too(self):
        request = (b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 30\r\n\r\n"
                   b"0\r\n\r\nGET /x HTTP/1.1\r\nHost: t\r\n\r\n")
        data, closed = exchange(self.port, request)
        self.assertEqual(statuses(data), [400], data)
        self.assertTrue(closed)
        self.assertNotIn("/x", self.seen_paths())
        self.assert_still_serving()

    def test_two_differing_content_lengths_get_400(self):
        request = (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 30\r\n\r\n"
                   b"helloGET /x HTTP/1.1\r\nHost: t\r\n\r\n")
        data, closed = exchange(self.port, request)
        self.assertEqual(statuses(data), [400], data)
        self.assertTrue(closed)
        self.assertNotIn("/x", self.seen_paths())
        self.assert_still_serving()

    def test_a_transfer_encoding_other_than_chunked_gets_501(self):
        for te in (b"gzip", b"identity", b"chunked, gzip"):
            with self.subTest(te=te):
                request = (b"POST /te HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: " + te + b"\r\n\r\n"
                           b"5\r\nhello\r\n0\r\n\r\nGET /x HTTP/1.1\r\nHost: t\r\n\r\n")
                data, closed = exchange(self.port, request)
                self.assertEqual(statuses(data), [501], data)
                self.assertTrue(closed)
        self.assertEqual(self.seen_paths(), [])
        self.assert_still_serving()

    def test_a_malformed_chunk_size_never_reaches_the_upstream_or_desyncs(self):
        request = (b"POST /badchunk HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"zz\r\nhello\r\n0\r\n\r\nGET /x HTTP/1.1\r\nHost: t\r\n\r\n")
        data, closed = exchange(self.port, request)
        self.assertIn(statuses(data), ([], [400]), data)  # a 400 or just a close; never a second response
        self.assertTrue(closed)
        self.assertNotIn("/x", self.seen_paths())
        self.assert_still_serving()

    def test_an_obs_fold_header_never_desyncs_the_connection(self):
        # RFC 9112 §5.2: reject with 400, or replace each fold with spaces. A fold that looks like a
        # Content-Length must not become one, and exactly one response comes back.
        request = (b"GET /fold HTTP/1.1\r\nHost: t\r\nX-Folded: a\r\n Content-Length: 35\r\nConnection: close\r\n\r\n"
                   b"GET /x HTTP/1.1\r\nHost: t\r\n\r\n")
        data, closed = exchange(self.port, request)
        codes = statuses(data)
        self.assertEqual(len(codes), 1, data)
        self.assertIn(codes[0], (200, 400), data)
        self.assertTrue(closed)
        self.assertNotIn("/x", self.seen_paths())
        if codes[0] == 200:
            self.assertRegex(self.seen(), r"X-Folded: a +Content-Length: 35")
        self.assert_still_serving()

    def test_pipelined_requests_are_answered_in_order(self):
        # The control case for the smuggling tests: two honest pipelined requests get two responses.
        request = (b"GET /one HTTP/1.1\r\nHost: t\r\n\r\n"
                   b"GET /two HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        data, closed = exchange(self.port, request)
        self.assertEqual(statuses(data), [200, 200], data)
        self.assertLess(data.index(b"seen GET /one"), data.index(b"seen GET /two"))
        self.assertEqual(self.seen_paths(), ["/one", "/two"])

    # --- slow clients ------------------------------------------------------------------------------
    def test_a_slowloris_client_is_cut_off_by_read_header_timeout_while_others_are_served(self):
        slow = []
        for _ in range(8):
            s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            s.sendall(b"GET /slow HTTP/1.1\r\nHost: t\r\n")
            slow.append(s)
        started = time.monotonic()
        cut_at = [None] * len(slow)
        # One header byte per 0.25 s on every slow connection, until each is closed (bounded at 6 s).
        while time.monotonic() - started < 6 and None in cut_at:
            for i, s in enumerate(slow):
                if cut_at[i] is not None:
                    continue
                try:
                    s.sendall(b"X")
                    s.setblocking(False)
                    try:
                        if s.recv(4096) == b"":
                            cut_at[i] = time.monotonic() - started
                    except BlockingIOError:
                        pass
                    finally:
                        s.setblocking(True)
                except (BrokenPipeError, ConnectionResetError):
                    cut_at[i] = time.monotonic() - started
            # A normal client is answered at once while the slow ones trickle.
            t0 = time.monotonic()
            status, _, _ = http("GET", f"http://127.0.0.1:{self.port}/normal", timeout=2)
            self.assertEqual(status, 200)
            self.assertLess(time.monotonic() - t0, 0.5)
            time.sleep(0.25)
        for s in slow:
            s.close()
        self.assertNotIn(None, cut_at, "a slowloris connection outlived read_header_timeout 1s by 5 s")
        self.assertLess(max(cut_at), 3.0, cut_at)
        self.assertGreater(min(cut_at), 0.7, cut_at)
        self.assertNotIn("/slow", self.seen_paths())
        self.assert_still_serving()

    def test_a_silent_connection_is_closed_by_read_header_timeout(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        t0 = time.monotonic()
        self.assertEqual(s.recv(4096), b"")  # closed, without a response
        # The first-byte wait is bounded by a once-a-second sweep: 1 s, plus up to one sweep.
        self.assertLess(time.monotonic() - t0, 2.6)
        s.close()
        self.assert_still_serving()

    def test_an_idle_keep_alive_connection_is_closed_by_idle_timeout(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        self.addCleanup(s.close)
        s.sendall(b"GET /ka HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assertEqual(statuses(s.recv(65536)), [200])
        t0 = time.monotonic()
        self.assertEqual(s.recv(4096), b"")  # closed without another byte
        idle = time.monotonic() - t0
        self.assertGreater(idle, 0.9)
        self.assertLess(idle, 2.6)  # 1 s plus up to one once-a-second sweep

    def test_slowhttptest_slowloris_does_not_starve_normal_clients(self):
        report = os.path.join(self.tmp, "slowhttptest")
        attack = self.procs.start("slowhttptest", [
            "slowhttptest", "-H", "-c", "100", "-r", "100", "-i", "2", "-l", "4", "-p", "2", "-g", "-o", report,
            "-u", f"http://127.0.0.1:{self.port}/"])
        served = 0
        while attack.poll() is None and served < 2000:
            status, _, _ = http("GET", f"http://127.0.0.1:{self.port}/normal", timeout=2)
            self.assertEqual(status, 200)
            served += 1
        self.assertEqual(attack.wait(20), 0, harness.log_of(attack))
        self.assertGreater(served, 10)
        # slowhttptest writes its per-second report at the end: Seconds,Closed,Pending,Connected,Service Available
        with open(report + ".csv") as f:
            rows = [[int(v) for v in line.strip().split(",")] for line in f if line[:1].isdigit()]
        # The server closed the slow connections (how many had connected by then depends on the machine's
        # load) and the attack ended for that reason, before its 4 s were up.
        self.assertGreaterEqual(rows[-1][1], 40, rows)
        self.assertIn("No open connections left", harness.log_of(attack))
        self.assertTrue(all(r[4] == 100 for r in rows), rows)  # its own probe was always served
        self.assert_still_serving()

    # --- upstream failures -------------------------------------------------------------------------
    def test_an_upstream_that_closes_mid_response_closes_the_client_connection(self):
        for path, marker in ((b"/truncate", b"Content-Length: 100000"), (b"/truncate-chunked", b"chunked")):
            with self.subTest(path=path):
                s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: t\r\n\r\n")
                data, closed = b"", False
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline:
                    chunk = s.recv(65536)
                    if not chunk:
                        closed = True
                        break
                    data += chunk
                s.close()
                self.assertTrue(closed, "the client connection stayed open after the upstream broke off")
                self.assertEqual(statuses(data), [200], data)
                self.assertIn(marker, data)
                # The client must be able to tell the body was cut: no terminating chunk, short length.
                self.assertFalse(data.endswith(b"0\r\n\r\n"), data)
        self.assert_still_serving()


if __name__ == "__main__":
    unittest.main()
