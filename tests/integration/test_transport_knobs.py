"""The Go transport knobs of reverse_proxy's `transport http`, each against real peers on 127.0.0.1:
max_conns_per_host (a cap on connections, the rest wait), expect_continue_timeout (the upstream
answers Expect: 100-continue), read_buffer_size / write_buffer_size, versions, compression (the
proxy asks for gzip and gunzips, as Caddy 2.6 does: checked against Debian's caddy 2.6.2 with the
same gzip backend), resolver (dnsmasq) and dial_fallback_delay (Happy Eyeballs against an IPv6
address that never answers)."""
import gzip
import hashlib
import http.client as httpclient
import json
import os
import socket
import subprocess
import sys
import threading
import time
import unittest

import harness
from dnsmasq import Dnsmasq
from harness import free_port, http, proxy_config, reverse_proxy
from test_upstream_transport import blackhole

sys.path.insert(0, harness.BACKENDS)
from serving import read_fields  # noqa: E402  the backends' own header reader


def transport(**options):
    return {"transport": {"protocol": "http", **options}}


def raw_get(port, path, headers=None):
    """GET with exactly these headers (http.client adds no Accept-Encoding); (status, headers, body)."""
    conn = httpclient.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    for k, v in (headers or {}).items():
        conn.putheader(k, v)
    conn.endheaders()
    res = conn.getresponse()
    body = res.read()
    conn.close()
    return res.status, {k.lower(): v for k, v in res.getheaders()}, body


class ConnectionCountingBackend:
    """A test-local HTTP/1.1 keep-alive upstream that answers every request after `delay` seconds and
    records the most connections it had open at once. A connection counts as open until its peer
    has closed it: at each accept the others are peeked at, so a close that the kernel has already
    seen counts even when this backend's thread for it has not woken up yet."""

    def __init__(self, delay):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.delay = delay
        self.lock = threading.Lock()
        self.conns = set()
        self.most_open = self.accepted = 0
        threading.Thread(target=self.accept_loop, daemon=True).start()

    @staticmethod
    def peer_closed(conn):
        try:
            return conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def accept_loop(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.accepted += 1
                live = [c for c in self.conns if not self.peer_closed(c)]
                self.most_open = max(self.most_open, len(live) + 1)
                self.conns.add(conn)
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        f = conn.makefile("rb")
        try:
            while True:
                line = f.readline()
                if not line:
                    break
                while f.readline() not in (b"\r\n", b""):
                    pass
                time.sleep(self.delay)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
        except OSError:
            pass
        finally:
            with self.lock:
                self.conns.discard(conn)
            conn.close()

    def close(self):
        self.sock.close()


class MaxConnsPerHost(harness.ProxyTestCase):
    def serve(self, delay, **transport_options):
        """A connection-counting backend behind ProxFlow on two threads: (backend, port)."""
        backend = ConnectionCountingBackend(delay=delay)
        self.addCleanup(backend.close)
        port = free_port()
        options = transport(**transport_options) if transport_options else {}
        self.start_proxflow(proxy_config(port, [reverse_proxy(backend.port, **options)]), wait_port=port, threads=2)
        return backend, port

    def run_six_curls(self, port):
        curls = [subprocess.Popen(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "30",
                                   f"http://127.0.0.1:{port}/"], stdout=subprocess.PIPE, text=True) for _ in range(6)]
        codes = []
        for curl in curls:
            out, _ = curl.communicate(timeout=40)
            codes.append(out)
        return codes

    def test_connections_stay_at_the_cap_and_the_requests_past_it_wait(self):
        backend, port = self.serve(0.5, max_conns_per_host=2)
        started = time.monotonic()
        self.assertEqual(self.run_six_curls(port), ["200"] * 6)
        self.assertLessEqual(backend.most_open, 2)
        # Two at a time, half a second each: three rounds.
        self.assertGreaterEqual(time.monotonic() - started, 1.4)

    def test_without_the_cap_the_same_requests_open_a_connection_each(self):
        backend, port = self.serve(0.5)
        self.assertEqual(self.run_six_curls(port), ["200"] * 6)
        self.assertEqual(backend.most_open, 6)

    def test_an_idle_connection_on_another_thread_makes_room_for_a_waiting_request(self):
        backend, port = self.serve(0, max_conns_per_host=1)
        # Two kept-alive clients: the engine serves a new client on the thread with fewer, so they
        # are on different threads, and the one connection allowed sits idle in the pool of the
        # thread that used it last.
        clients = [httpclient.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(2)]
        for _ in range(4):
            for client in clients:
                started = time.monotonic()
                client.request("GET", "/")
                res = client.getresponse()
                self.assertEqual((res.status, res.read()), (200, b"ok\n"))
                self.assertLess(time.monotonic() - started, 2, "waited for the idle connection's timeout")
        for client in clients:
            client.close()
        self.assertEqual(backend.most_open, 1)
        self.assertGreater(backend.accepted, 1, "both clients were served by one thread: nothing crossed threads")

    def test_a_request_that_waits_past_response_header_timeout_is_a_504(self):
        named = self.start_backend("named", "a")
        port = free_port()
        handler = reverse_proxy(named.port, **transport(max_conns_per_host=1, response_header_timeout="1s"))
        self.start_proxflow(proxy_config(port, [handler]), wait_port=port)
        # The header comes at once, the body over three seconds: the one connection stays busy.
        conn = httpclient.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/trickle?n=12&ms=250")
        res = conn.getresponse()
        self.assertEqual(res.status, 200)
        started = time.monotonic()
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[0], 504)
        self.assertGreaterEqual(time.monotonic() - started, 0.9)
        self.assertEqual(res.read(), b"t" * 12)
        conn.close()
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[0], 200)


class ExpectContinue(harness.ProxyTestCase):
    def start(self, mode, timeout="5s"):
        self.log = os.path.join(self.tmp, "expect.log")
        backend = self.start_backend("expect_continue", mode, self.log)
        self.port = free_port()
        options = transport(expect_continue_timeout=timeout) if timeout else {}
        self.start_proxflow(proxy_config(self.port, [reverse_proxy(backend.port, **options)]), wait_port=self.port)

    def seen(self):
        with open(self.log) as f:
            return f.read().splitlines()

    def post_expecting(self, path="/upload", body=b"0123456789"):
        """Sends the header with Expect: 100-continue and the body only once told to; returns
        (seconds until the first answer, the interim answer or None, the final status line, body)."""
        client = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.addCleanup(client.close)
        sent = time.monotonic()
        client.sendall(f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n".encode())
        f = client.makefile("rb")
        first = f.readline()
        waited = time.monotonic() - sent
        interim = None
        if first.startswith(b"HTTP/1.1 100"):
            interim = first
            f.readline()  # the interim answer's empty line
            client.sendall(body)
            first = f.readline()
        headers = read_fields(f)
        answer = f.read(int(headers.get("content-length", "0")))
        return waited, interim, first.strip(), answer

    def test_an_early_417_reaches_the_client_and_the_body_is_never_sent(self):
        self.start("417")
        waited, interim, status, body = self.post_expecting()
        self.assertIsNone(interim, "the client was told to send its body")
        self.assertEqual(status, b"HTTP/1.1 417 Expectation Failed")
        self.assertEqual(body, b"refused before the body\n")
        self.assertLess(waited, 3)
        self.assertEqual(self.seen(), ["POST /upload expect=100-continue body=-1"])

    def test_an_early_401_reaches_the_client_and_the_body_is_never_sent(self):
        self.start("401")
        _, interim, status, _ = self.post_expecting()
        self.assertIsNone(interim)
        self.assertEqual(status, b"HTTP/1.1 401 Unauthorized")
        self.assertEqual(self.seen(), ["POST /upload expect=100-continue body=-1"])

    def test_the_upstreams_100_continue_lets_the_body_go(self):
        self.start("continue")
        waited, interim, status, body = self.post_expecting("/upload?delay=600")
        self.assertEqual(interim.strip(), b"HTTP/1.1 100 Continue")
        self.assertGreaterEqual(waited, 0.55, "the proxy answered the expectation before the upstream did")
        self.assertEqual((status, body), (b"HTTP/1.1 200 OK", b"got 10"))
        self.assertEqual(self.seen(), ["POST /upload?delay=600 expect=100-continue body=10"])

    def test_a_silent_upstream_gets_the_body_after_the_timeout(self):
        self.start("silent", timeout="700ms")
        waited, interim, status, body = self.post_expecting()
        self.assertEqual(interim.strip(), b"HTTP/1.1 100 Continue")
        self.assertGreaterEqual(waited, 0.65)
        self.assertLess(waited, 3)
        self.assertEqual((status, body), (b"HTTP/1.1 200 OK", b"got 10"))

    def test_without_the_timeout_the_proxy_answers_the_expectation_itself(self):
        self.start("417", timeout=None)
        waited, interim, status, body = self.post_expecting()
        self.assertEqual(interim.strip(), b"HTTP/1.1 100 Continue")
        self.assertEqual((status, body), (b"HTTP/1.1 200 OK", b"got 10"))
        self.assertEqual(self.seen(), ["POST /upload expect=None body=10"])


class BufferSizes(harness.ProxyTestCase):
    def test_tiny_buffers_still_carry_large_bodies_intact(self):
        nginx = self.start_nginx()
        data = os.urandom(3 << 20)
        with open(os.path.join(nginx.www, "large"), "wb") as f:
            f.write(data)
        echo = self.start_backend("named", "echo")
        port = free_port()
        routes = [{"match": [{"path": ["/large"]}], "handle": [reverse_proxy(nginx.port, **transport(read_buffer_size=1, write_buffer_size=1))]},
                  {"handle": [reverse_proxy(echo.port, **transport(read_buffer_size=1, write_buffer_size=100))]}]
        self.start_proxflow(proxy_config(port, [], routes=routes), wait_port=port)
        status, _, body = http("GET", f"http://127.0.0.1:{port}/large")
        self.assertEqual(status, 200)
        self.assertEqual(hashlib.sha256(body).hexdigest(), hashlib.sha256(data).hexdigest())
        status, _, body = http("POST", f"http://127.0.0.1:{port}/upload", body=data)
        self.assertEqual((status, json.loads(body)["body_length"]), (200, len(data)))


class Versions(harness.ProxyTestCase):
    def test_versions_that_include_http_1_1_or_plain_2_proxy_over_http_1_1(self):
        backend = self.start_backend("named", "a")
        for versions in (["1.1"], ["1.1", "2"], ["2"]):
            with self.subTest(versions=versions):
                port = free_port()
                proc = self.start_proxflow(proxy_config(port, [reverse_proxy(backend.port, **transport(versions=versions))]),
                                           wait_port=port)
                self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[0], 200)
                self.procs.stop(proc)


class Compression(harness.ProxyTestCase):
    def start(self, **options):
        self.log = os.path.join(self.tmp, "gzip.log")
        backend = self.start_backend("gzip_upstream", self.log)
        self.port = free_port()
        self.start_proxflow(proxy_config(self.port, [reverse_proxy(backend.port, **options)]), wait_port=self.port)
        with open(self.log, "w"):
            pass  # count only what the proxy sends

    def seen(self):
        with open(self.log) as f:
            return f.read().splitlines()

    def text(self):
        return b"".join(b"line %05d of the upstream's text\n" % i for i in range(625))

    def test_by_default_the_proxy_asks_for_gzip_and_the_client_gets_it_gunzipped(self):
        self.start()
        status, headers, body = raw_get(self.port, "/text")
        self.assertEqual(status, 200)
        self.assertEqual(body, self.text())
        self.assertNotIn("content-encoding", headers)
        self.assertNotIn("content-length", headers)
        self.assertEqual(headers.get("transfer-encoding"), "chunked")
        self.assertEqual(self.seen(), ["/text accept-encoding=gzip range=None"])

    def test_a_client_that_asks_for_gzip_gets_the_upstreams_gzip(self):
        self.start()
        status, headers, body = raw_get(self.port, "/text", {"Accept-Encoding": "gzip"})
        self.assertEqual((status, headers.get("content-encoding")), (200, "gzip"))
        self.assertEqual(gzip.decompress(body), self.text())
        self.assertEqual(self.seen(), ["/text accept-encoding=gzip range=None"])

    def test_a_range_request_is_not_offered_gzip(self):
        self.start()
        status, headers, body = raw_get(self.port, "/text", {"Range": "bytes=0-9"})
        self.assertEqual(self.seen(), ["/text accept-encoding=None range=bytes=0-9"])
        self.assertNotIn("content-encoding", headers)

    def test_compression_false_passes_the_request_as_it_is(self):
        self.start(**transport(compression=False))
        status, headers, body = raw_get(self.port, "/text")
        self.assertEqual((status, body), (200, self.text()))
        self.assertEqual(self.seen(), ["/text accept-encoding=None range=None"])

    def test_a_corrupt_gzip_answer_is_cut_off(self):
        self.start()
        conn = httpclient.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.putrequest("GET", "/corrupt", skip_accept_encoding=True)
        conn.endheaders()
        res = conn.getresponse()
        self.assertEqual(res.status, 200)
        with self.assertRaises(httpclient.IncompleteRead):
            res.read()
        conn.close()


@harness.needs_programs("dnsmasq", "dig", why="dnsmasq-base and dnsutils (dev.sh installs them)")
class ResolverAndHappyEyeballs(harness.ProxyTestCase):
    def start_dns(self, hosts):
        return Dnsmasq(self.procs, self.tmp, hosts).resolver("udp/")

    def serve(self, backend_port, **options):
        port = free_port()
        handler = {"handler": "reverse_proxy", "upstreams": [{"dial": f"app.svc.test:{backend_port}"}], **transport(**options)}
        self.start_proxflow(proxy_config(port, [handler]), wait_port=port)
        return port

    def timed_get(self, port):
        started = time.monotonic()
        status, headers, _ = http("GET", f"http://127.0.0.1:{port}/")
        return status, time.monotonic() - started

    def test_dial_names_are_looked_up_with_the_transports_resolver(self):
        backend = self.start_backend("named", "a")
        resolver = self.start_dns(["127.0.0.1 app.svc.test"])
        self.assertEqual(self.timed_get(self.serve(backend.port, resolver=resolver))[0], 200)
        # The system's resolver knows no app.svc.test.
        self.assertEqual(self.timed_get(self.serve(backend.port))[0], 502)

    def dual_stack(self):
        """app.svc.test is ::1 (first, and never answering) and 127.0.0.1 (a backend), on one port."""
        backend = self.start_backend("named", "v4")
        blackhole(self, "::1", backend.port)
        return backend, self.start_dns(["::1 app.svc.test", "127.0.0.1 app.svc.test"])

    def test_ipv4_is_tried_after_dial_fallback_delay_when_ipv6_does_not_answer(self):
        backend, resolver = self.dual_stack()
        for delay, least, most in (("200ms", 0.18, 1.2), ("1500ms", 1.45, 2.8)):
            with self.subTest(delay=delay):
                port = self.serve(backend.port, resolver=resolver, dial_fallback_delay=delay, dial_timeout="5s")
                status, took = self.timed_get(port)
                self.assertEqual(status, 200)
                self.assertGreaterEqual(took, least)
                self.assertLess(took, most)

    def test_a_negative_dial_fallback_delay_tries_the_addresses_in_turn(self):
        backend, resolver = self.dual_stack()
        port = self.serve(backend.port, resolver=resolver, dial_fallback_delay="-1s", dial_timeout="1s")
        status, took = self.timed_get(port)
        # ::1 never answers, and the dial's timeout runs out before 127.0.0.1's turn.
        self.assertEqual(status, 502)
        self.assertGreaterEqual(took, 0.9)


class CaddyfileTransport(harness.ProxyTestCase):
    def test_the_caddyfiles_transport_options_adapt_and_load(self):
        backend = self.start_backend("named", "a")
        port = free_port()
        caddyfile = f"""{{
\tadmin off
\tauto_https off
}}
http://127.0.0.1:{port} {{
\treverse_proxy 127.0.0.1:{backend.port} {{
\t\ttransport http {{
\t\t\tmax_conns_per_host 2
\t\t\texpect_continue_timeout 1s
\t\t\tread_buffer 4KiB
\t\t\twrite_buffer 4KiB
\t\t\tversions 1.1 2
\t\t\tcompression off
\t\t\tresolvers 127.0.0.1:5353
\t\t\tdial_fallback_delay 200ms
\t\t}}
\t}}
}}
"""
        path = os.path.join(self.tmp, "Caddyfile")
        with open(path, "w") as f:
            f.write(caddyfile)
        adapted = self.run_proxflow("adapt", "--config", path, "--adapter", "caddyfile")
        self.assertEqual(adapted.returncode, 0, adapted.stderr)
        handler = json.loads(adapted.stdout)["apps"]["http"]["servers"]["srv0"]["routes"][0]["handle"][0]
        if handler["handler"] == "subroute":
            handler = handler["routes"][0]["handle"][0]
        self.assertEqual(handler["transport"], {
            "protocol": "http", "max_conns_per_host": 2, "expect_continue_timeout": 1000000000,
            "read_buffer_size": 4096, "write_buffer_size": 4096, "versions": ["1.1", "2"], "compression": False,
            "resolver": {"addresses": ["127.0.0.1:5353"]}, "dial_fallback_delay": 200000000})
        self.start_proxflow(caddyfile, caddyfile=True, wait_port=port)
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[0], 200)

    def test_an_h2c_upstream_is_refused_naming_its_versions(self):
        path = os.path.join(self.tmp, "Caddyfile")
        with open(path, "w") as f:
            f.write(":8080 {\n\treverse_proxy h2c://127.0.0.1:9000\n}\n")
        res = self.run_proxflow("validate", "--config", path, "--adapter", "caddyfile")
        self.assertEqual(res.returncode, 1)
        self.assertIn("transport.versions[0]", res.stderr)
        self.assertIn("h2c (HTTP/2 over cleartext) to upstreams is not supported", res.stderr)


if __name__ == "__main__":
    unittest.main()
