"""How reverse_proxy reaches its upstreams: lb_try_duration / lb_try_interval, the transport's dial, read
and write timeouts, and kept-alive upstream connections (reused, and closed after their idle timeout)."""
import collections
import http.client as httpclient
import json
import os
import socket
import threading
import time
import unittest

import harness
from harness import free_port, http, proxy_config, reverse_proxy, wait_until


def get(port, path="/", timeout=30):
    status, headers, body = http("GET", f"http://127.0.0.1:{port}{path}", timeout=timeout)
    return status, headers.get("X-Backend"), body


def blackhole(test, host, port=0):
    """A listener on host whose accept queue is full and that never accepts: the kernel drops new
    SYNs, so a connect to it hangs, deterministically and without any network. Returns its address;
    skips the test on a kernel that accepts past a full backlog."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family)
    if family == socket.AF_INET6:
        listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    listener.bind((host, port))
    listener.listen(0)
    address = listener.getsockname()
    fillers = []
    for _ in range(4):
        s = socket.socket(family)
        s.setblocking(False)
        s.connect_ex(address)
        fillers.append(s)
    test.addCleanup(lambda: [s.close() for s in fillers + [listener]])
    probe = socket.socket(family)
    probe.settimeout(0.5)
    try:
        probe.connect(address)
        test.skipTest("this kernel accepted past a full backlog")
    except socket.timeout:
        pass
    finally:
        probe.close()
    return address


class AcceptingSocket:
    """A test-local upstream that accepts connections and does nothing else with them (or closes them
    at once), counting them; for upstreams that never answer or never read."""

    def __init__(self, close_at_once):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.held = []
        self.close_at_once = close_at_once
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            if self.close_at_once:
                conn.close()
            else:
                self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


class TryDuration(harness.ProxyTestCase):
    def test_a_request_waits_within_try_duration_for_an_upstream_to_come_up(self):
        up_port, port = free_port(), free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(up_port, load_balancing={
            "try_duration": "15s", "try_interval": "100ms"})]), wait_port=port)
        result = {}
        waiting = threading.Thread(target=lambda: result.update(answer=get(port)))
        waiting.start()
        time.sleep(0.5)  # the request is now retrying against a port nobody listens on
        self.assertTrue(waiting.is_alive(), f"answered before any upstream was up: {result}")
        self.start_backend("named", "late", port=up_port)
        waiting.join(30)
        self.assertEqual(result["answer"][:2], (200, "late"))

    def test_a_full_upstream_is_waited_for_within_try_duration(self):
        a = self.start_backend("named", "a")
        port, admin = free_port(), free_port()
        handler = reverse_proxy(a.port, load_balancing={"try_duration": "10s", "try_interval": "50ms"})
        handler["upstreams"][0]["max_requests"] = 1
        self.start_proxflow(proxy_config(port, [handler], admin_port=admin), wait_port=port)
        slow = threading.Thread(target=lambda: get(port, "/slow?ms=1500"))
        slow.start()
        busy = lambda: json.loads(http("GET", f"http://127.0.0.1:{admin}/reverse_proxy/upstreams")[2])[0]["num_requests"]
        wait_until(lambda: busy() == 1, what="the slow request holding a's only slot")
        self.assertEqual(get(port)[:2], (200, "a"))  # waited for the slot instead of a 503
        slow.join()

    def test_retries_happen_every_try_interval_until_try_duration_then_502(self):
        closer = AcceptingSocket(close_at_once=True)  # every attempt fails before a response
        self.addCleanup(closer.close)
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(closer.port, load_balancing={
            "try_duration": "1500ms", "try_interval": "200ms"})]), wait_port=port)
        started = time.monotonic()
        self.assertEqual(get(port)[0], 502)
        self.assertGreaterEqual(time.monotonic() - started, 1.4)
        self.assertGreaterEqual(closer.accepted, 4, "about one attempt per try_interval within try_duration")
        self.assertLessEqual(closer.accepted, 9, "no faster than one attempt per try_interval")

    def test_without_try_duration_a_failed_attempt_is_not_repeated(self):
        closer = AcceptingSocket(close_at_once=True)
        self.addCleanup(closer.close)
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(closer.port)]), wait_port=port)
        self.assertEqual(get(port)[0], 502)
        self.assertEqual(closer.accepted, 1)

    def test_no_available_upstream_until_try_duration_ends_gives_503(self):
        a = self.start_backend("named", "a")
        open(os.path.join(self.tmp, "a.down"), "w").close()
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(a.port, load_balancing={"try_duration": "1s"},
            health_checks={"active": {"uri": "/health", "interval": "100ms"}})]), wait_port=port)
        wait_until(lambda: get(port)[0] == 503, what="a down")
        started = time.monotonic()
        self.assertEqual(get(port)[0], 503)
        self.assertGreaterEqual(time.monotonic() - started, 0.95, "answered before try_duration ended")


class Timeouts(harness.ProxyTestCase):
    def test_dial_timeout_bounds_a_connect_that_never_completes(self):
        address = blackhole(self, "127.0.0.1")
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(address[1], transport={
            "protocol": "http", "dial_timeout": "300ms"})]), wait_port=port)
        started = time.monotonic()
        self.assertEqual(get(port)[0], 502)
        # The default dial timeout is 3s: well under it means the configured one held.
        self.assertLess(time.monotonic() - started, 2.5)

    def test_read_timeout_bounds_the_wait_for_the_response_header(self):
        a = self.start_backend("named", "a")
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(a.port, transport={
            "protocol": "http", "read_timeout": "400ms"})]), wait_port=port)
        self.assertEqual(get(port, "/slow?ms=3000")[0], 504)
        self.assertEqual(get(port)[:2], (200, "a"))

    def test_read_timeout_bounds_each_read_not_the_whole_body(self):
        a = self.start_backend("named", "a")
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(a.port, transport={
            "protocol": "http", "read_timeout": "1s"})]), wait_port=port)
        # 8 bytes a quarter second apart: 2s in all, no gap near 1s.
        status, _, body = get(port, "/trickle?n=8&ms=250")
        self.assertEqual((status, body), (200, b"t" * 8))
        # A body that goes silent for longer than read_timeout is cut off.
        conn = httpclient.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.monotonic()
        conn.request("GET", "/stall?ms=5000")
        res = conn.getresponse()
        self.assertEqual(res.status, 200)
        with self.assertRaises(httpclient.IncompleteRead) as cut:
            res.read()
        self.assertEqual(cut.exception.partial, b"01234")
        self.assertLess(time.monotonic() - started, 4.5, "cut off by read_timeout, not by the stall's end")
        conn.close()

    def test_write_timeout_bounds_a_request_body_the_upstream_does_not_read(self):
        sink = AcceptingSocket(close_at_once=False)  # accepts, never reads
        self.addCleanup(sink.close)
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(sink.port, transport={
            "protocol": "http", "write_timeout": "500ms", "response_header_timeout": "60s"})]), wait_port=port)
        client = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.addCleanup(client.close)
        size = 64 << 20  # far more than the socket buffers between proxy and upstream hold
        client.sendall(f"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: {size}\r\n\r\n".encode())

        def send_body():
            chunk = b"x" * 65536
            try:
                for _ in range(size // len(chunk)):
                    client.sendall(chunk)
            except OSError:
                pass  # the proxy gave up and closed: expected

        sender = threading.Thread(target=send_body, daemon=True)
        sender.start()
        answer = b""
        try:
            while b"\r\n" not in answer:
                data = client.recv(65536)
                if not data:
                    break
                answer += data
        except (ConnectionResetError, socket.timeout):
            pass
        self.assertTrue(answer.startswith(b"HTTP/1.1 502"), answer[:200])


class KeptAliveConnections(harness.ProxyTestCase):
    def start_logged(self, transport=None, threads=2):
        self.connlog = os.path.join(self.tmp, "conns.log")
        self.backend = self.start_backend("named", "a", self.connlog)
        wait_until(lambda: os.path.exists(self.connlog), what="the readiness probe's connection logged")
        os.remove(self.connlog)  # count only what the proxy opens
        self.port = free_port()
        options = {"transport": dict(protocol="http", **transport)} if transport else {}
        self.start_proxflow(proxy_config(self.port, [reverse_proxy(self.backend.port, **options)]),
                            wait_port=self.port, threads=threads)

    def events(self):
        if not os.path.exists(self.connlog):
            return collections.Counter()
        with open(self.connlog) as f:
            return collections.Counter(line.split()[0] for line in f)

    def test_sequential_requests_reuse_upstream_connections(self):
        self.start_logged()
        for _ in range(30):  # each on a new client connection, so any engine thread may take it
            self.assertEqual(get(self.port)[:2], (200, "a"))
        self.assertLessEqual(self.events()["open"], 2, "one upstream connection per engine thread at most")

    def test_concurrent_requests_open_no_more_upstream_connections_than_are_in_flight(self):
        self.start_logged()
        statuses = collections.Counter()
        lock = threading.Lock()

        def client():
            conn = httpclient.HTTPConnection("127.0.0.1", self.port, timeout=30)
            for _ in range(15):
                conn.request("GET", "/")
                res = conn.getresponse()
                res.read()
                with lock:
                    statuses[res.status] += 1
            conn.close()

        clients = [threading.Thread(target=client) for _ in range(6)]
        for t in clients:
            t.start()
        for t in clients:
            t.join()
        self.assertEqual(statuses, {200: 90})
        self.assertLessEqual(self.events()["open"], 6, "90 requests, at most 6 in flight at once")

    def test_requests_rotate_over_every_kept_upstream_connection(self):
        # Reusing the most recently returned connection first would send all of them down one,
        # and behind a multi-process backend load one of its workers while the others idle.
        self.start_logged(threads=1)
        slow = [threading.Thread(target=get, args=(self.port, "/slow?ms=500")) for _ in range(4)]
        for t in slow:
            t.start()
        for t in slow:
            t.join()
        self.assertEqual(self.events()["open"], 4)
        served_by = collections.Counter()
        for _ in range(20):
            status, _, port = get(self.port, "/peer")
            self.assertEqual(status, 200)
            served_by[port] += 1
        self.assertEqual(sorted(served_by.values()), [5, 5, 5, 5], served_by)
        self.assertEqual(self.events()["open"], 4, "no connection opened for the sequential requests")

    def test_an_idle_upstream_connection_is_closed_after_idle_timeout(self):
        self.start_logged({"keep_alive": {"idle_timeout": "1s"}}, threads=1)
        self.assertEqual(get(self.port)[:2], (200, "a"))
        answered = time.monotonic()
        self.assertEqual(self.events(), {"open": 1})
        wait_until(lambda: self.events()["close"] == 1, timeout=10, what="the backend to see its connection closed")
        self.assertGreaterEqual(time.monotonic() - answered, 0.7, "closed before its idle timeout")
        self.assertEqual(get(self.port)[:2], (200, "a"))  # a fresh connection serves the next one
        self.assertEqual(self.events()["open"], 2)

    def test_an_idle_upstream_connection_stays_open_within_idle_timeout(self):
        self.start_logged({"keep_alive": {"idle_timeout": "60s"}}, threads=1)
        self.assertEqual(get(self.port)[:2], (200, "a"))
        time.sleep(2.5)  # past the worker's 1s sweeps: nothing may close it yet
        self.assertEqual(self.events(), {"open": 1})
        self.assertEqual(get(self.port)[:2], (200, "a"))
        self.assertEqual(self.events(), {"open": 1}, "the kept connection served the second request")


if __name__ == "__main__":
    unittest.main()
