"""Reloading and stopping: configs swapped under load drop no request, listeners come and go with the
config, and SIGTERM or POST /stop let in-flight requests finish before a clean exit."""
from http.client import HTTPConnection
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import unittest

import harness
from harness import free_port, http, port_open, proxy_config, reverse_proxy, wait_until


def static(body):
    return {"handler": "static_response", "body": body}


def parse_wrk(output):
    """The counts wrk prints: requests, socket errors (all kinds summed) and non-2xx/3xx responses."""
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    socket_errors = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if m:
        socket_errors = sum(int(g) for g in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return requests, socket_errors, int(m.group(1)) if m else 0


class ReloadUnderLoad(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.nginx = [self.start_nginx(body=f"nginx {name}\n") for name in ("a", "b")]
        self.port = free_port()

    def config(self, generation, admin_port=None):
        """Generation N proxies to nginx a or b (alternating) and marks responses with X-Generation."""
        handlers = [{"handler": "headers", "response": {"set": {"X-Generation": [str(generation)]}}},
                    reverse_proxy(self.nginx[generation % 2].port)]
        return proxy_config(self.port, handlers, admin_port=admin_port)

    def generation(self):
        status, headers, body = http("GET", f"http://127.0.0.1:{self.port}/", timeout=3)
        return status, headers.get("X-Generation"), body

    def start_wrk(self, seconds=30):
        """Load until stopped (SIGINT, after which wrk prints its counts), bounded by `seconds`."""
        return subprocess.Popen(["wrk", "-c", "16", "-t", "1", "-d", f"{seconds}s", f"http://127.0.0.1:{self.port}/"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def reload_while_loaded(self, reload):
        wrk = self.start_wrk()
        try:
            start = time.monotonic()
            for generation in range(2, 8):  # six reloads, one every ~0.7 s of the 6 s run
                while time.monotonic() < start + 0.4 + 0.7 * (generation - 2):
                    time.sleep(0.05)
                reload(generation)
                wait_until(lambda: self.generation()[1] == str(generation), timeout=10,
                           what=f"generation {generation} to serve")
                self.assertIsNone(wrk.poll(), "wrk ended before the reloads did")
            # The load runs until the last reload serves, however long a loaded machine takes.
            time.sleep(0.3)
            wrk.send_signal(signal.SIGINT)
            output, _ = wrk.communicate(timeout=20)
        finally:
            if wrk.poll() is None:
                wrk.kill()
                wrk.wait()
        requests, socket_errors, non_2xx = parse_wrk(output)
        self.assertGreater(requests, 300, output)
        self.assertEqual(socket_errors, 0, output)
        self.assertEqual(non_2xx, 0, output)
        self.assertEqual(self.generation(), (200, "7", b"nginx b\n"))

    def test_reloads_through_admin_load_under_load_drop_no_request(self):
        admin = free_port()
        self.start_proxflow(self.config(1, admin), wait_port=self.port, threads=2)
        self.assertEqual(self.generation(), (200, "1", b"nginx b\n"))

        def load(generation):
            status, _, body = http("POST", f"http://127.0.0.1:{admin}/load",
                                   body=json.dumps(self.config(generation, admin)).encode(),
                                   headers={"Content-Type": "application/json"})
            self.assertEqual(status, 200, body)

        self.reload_while_loaded(load)

    def test_reloads_by_watch_file_edits_under_load_drop_no_request(self):
        proxy = self.start_proxflow(self.config(1), extra_args=["--watch"], wait_port=self.port, threads=2)
        self.assertEqual(self.generation(), (200, "1", b"nginx b\n"))

        def edit(generation):
            # As editors save: a new file renamed over the old one, so the engine never reads half of it.
            tmp = proxy.config_path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(self.config(generation), f)
            os.replace(tmp, proxy.config_path)

        self.reload_while_loaded(edit)
        self.assertEqual(harness.log_of(proxy).count("reloaded"), 6, harness.log_of(proxy))

    def test_a_watched_edit_that_breaks_the_config_is_ignored_and_the_old_one_keeps_serving(self):
        proxy = self.start_proxflow(self.config(1), extra_args=["--watch"], wait_port=self.port)
        with open(proxy.config_path, "w") as f:
            f.write('{"apps": {"http": {"servers": {"srv0": {"listen": ["127.0.0.1:1"], "nope": 1}}}}}')
        wait_until(lambda: "not reloaded" in harness.log_of(proxy), what="the bad edit to be reported")
        self.assertIn("apps.http.servers.srv0.nope", harness.log_of(proxy))
        self.assertEqual(self.generation(), (200, "1", b"nginx b\n"))
        # ... and the next good edit is picked up.
        with open(proxy.config_path, "w") as f:
            json.dump(self.config(2), f)
        wait_until(lambda: self.generation()[1] == "2", what="the fixed config to serve")

    def test_a_watched_caddyfile_is_adapted_again_on_each_edit(self):
        def site(body):
            return f"{{\n\tadmin off\n}}\nhttp://127.0.0.1:{self.port} {{\n\tbind 127.0.0.1\n\trespond \"{body}\"\n}}\n"

        proxy = self.start_proxflow(site("first"), caddyfile=True, extra_args=["--watch"], wait_port=self.port)
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/")[2], b"first")
        for body in ("second", "third"):
            tmp = proxy.config_path + ".tmp"
            with open(tmp, "w") as f:
                f.write(site(body))
            os.replace(tmp, proxy.config_path)
            wait_until(lambda: http("GET", f"http://127.0.0.1:{self.port}/")[2] == body.encode(),
                       what=f"the {body} Caddyfile to serve")


class Listeners(harness.ProxyTestCase):
    def config(self, ports, body, admin):
        config = proxy_config(ports[0], [static(body)], admin_port=admin)
        config["apps"]["http"]["servers"]["srv0"]["listen"] = [f"127.0.0.1:{p}" for p in ports]
        return config

    def load(self, admin, config):
        status, _, body = http("POST", f"http://127.0.0.1:{admin}/load", body=json.dumps(config).encode(),
                               headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, body)

    def test_a_reload_opens_new_listeners_closes_removed_ones_and_keeps_the_rest(self):
        kept, removed, added, admin = free_port(), free_port(), free_port(), free_port()
        self.start_proxflow(self.config([kept, removed], "old", admin), wait_port=kept)
        self.assertTrue(port_open(removed))
        self.assertFalse(port_open(added))

        self.load(admin, self.config([kept, added], "new", admin))

        self.assertEqual(http("GET", f"http://127.0.0.1:{added}/")[2], b"new")
        self.assertEqual(http("GET", f"http://127.0.0.1:{kept}/")[2], b"new")
        wait_until(lambda: not port_open(removed), what="the removed listener to stop accepting")
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", removed), timeout=2).close()

    def test_the_next_request_on_a_kept_alive_connection_sees_the_new_config(self):
        port, admin = free_port(), free_port()
        self.start_proxflow(self.config([port], "old", admin), wait_port=port)
        conn = HTTPConnection("127.0.0.1", port, timeout=5)
        self.addCleanup(conn.close)
        conn.request("GET", "/")
        self.assertEqual(conn.getresponse().read(), b"old")

        self.load(admin, self.config([port], "new", admin))

        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[2], b"new")  # a fresh connection
        conn.request("GET", "/")
        self.assertEqual(conn.getresponse().read(), b"new", "an idle keep-alive connection served the old config")

    def test_a_kept_alive_connection_to_a_removed_listener_gets_no_more_answers(self):
        kept, removed, admin = free_port(), free_port(), free_port()
        self.start_proxflow(self.config([kept, removed], "old", admin), wait_port=kept)
        conn = socket.create_connection(("127.0.0.1", removed), timeout=5)
        self.addCleanup(conn.close)
        conn.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assertIn(b"old", conn.recv(4096))

        self.load(admin, self.config([kept], "new", admin))

        try:
            conn.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            answer = conn.recv(4096)
        except (BrokenPipeError, ConnectionResetError):
            answer = b""
        self.assertEqual(answer, b"", "a connection of a removed listener was still served")


class GracefulStop(harness.ProxyTestCase):
    def start(self, grace_period=None):
        self.backend = self.start_backend("named", "slowpoke")
        self.port, self.admin = free_port(), free_port()
        config = proxy_config(self.port, [reverse_proxy(self.backend.port)], admin_port=self.admin)
        if grace_period:
            config["apps"]["http"]["grace_period"] = grace_period
        self.proxy = self.start_proxflow(config, wait_port=self.port)

    def in_flight(self):
        ups = json.loads(http("GET", f"http://127.0.0.1:{self.admin}/reverse_proxy/upstreams")[2])
        return sum(u["num_requests"] for u in ups)

    def active_connections(self):
        metrics = http("GET", f"http://127.0.0.1:{self.admin}/metrics")[2].decode()
        return int(float(re.search(r"^proxflow_http_connections_active (\S+)$", metrics, re.M).group(1)))

    def slow_request_in_background(self):
        result = {}

        def go():
            t0 = time.monotonic()
            try:
                result["status"], _, result["body"] = http("GET", f"http://127.0.0.1:{self.port}/slow?ms=1500",
                                                           timeout=10)
            except Exception as e:  # the connection was cut: what the grace-period test expects
                result["error"] = e
            result["took"] = time.monotonic() - t0

        thread = threading.Thread(target=go)
        thread.start()
        wait_until(lambda: self.in_flight() == 1, what="the slow request to reach the upstream")
        return thread, result

    def test_sigterm_lets_an_in_flight_slow_request_finish_then_exits_0(self):
        self.start()
        thread, result = self.slow_request_in_background()
        self.proxy.send_signal(signal.SIGTERM)
        # New connections are refused at once while the slow request is still running.
        wait_until(lambda: not port_open(self.port), timeout=1.0, what="the listener to close")
        self.assertIsNone(self.proxy.poll(), "exited with a request in flight")
        thread.join(10)
        self.assertEqual(result.get("status"), 200, result)
        self.assertIn(b'"path": "/slow?ms=1500"', result["body"])
        self.assertGreater(result["took"], 1.4)
        self.assertEqual(self.proxy.wait(10), 0, harness.log_of(self.proxy))

    def test_idle_and_silent_connections_do_not_hold_up_a_sigterm(self):
        self.start()
        kept = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        self.addCleanup(kept.close)
        kept.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assertIn(b"200 OK", kept.recv(65536))
        silent = socket.create_connection(("127.0.0.1", self.port), timeout=5)  # never sends a byte
        self.addCleanup(silent.close)
        wait_until(lambda: self.active_connections() == 2, what="both connections to be accepted")
        t0 = time.monotonic()
        self.proxy.send_signal(signal.SIGTERM)
        self.assertEqual(self.proxy.wait(10), 0, harness.log_of(self.proxy))
        self.assertLess(time.monotonic() - t0, 2.0, "shutdown waited for idle connections (grace period)")
        self.assertEqual(kept.recv(4096), b"")
        self.assertEqual(silent.recv(4096), b"")

    def test_sigint_stops_as_gracefully_as_sigterm(self):
        self.start()
        thread, result = self.slow_request_in_background()
        self.proxy.send_signal(signal.SIGINT)
        thread.join(10)
        self.assertEqual(result.get("status"), 200, result)
        self.assertEqual(self.proxy.wait(10), 0, harness.log_of(self.proxy))

    def test_grace_period_bounds_how_long_a_stop_waits_for_in_flight_requests(self):
        self.start(grace_period="300ms")
        thread, result = self.slow_request_in_background()
        t0 = time.monotonic()
        self.proxy.send_signal(signal.SIGTERM)
        self.assertEqual(self.proxy.wait(10), 0, harness.log_of(self.proxy))
        self.assertLess(time.monotonic() - t0, 1.2, "the stop waited for the 1.5 s request")
        thread.join(10)
        self.assertIn("error", result, "the request outlived the grace period")
        self.assertLess(result["took"], 1.4)

    def test_shutdown_delay_keeps_serving_and_says_so_before_the_stop(self):
        self.port = free_port()
        health = {"handler": "static_response", "body": "{http.shutting_down} {http.time_until_shutdown}"}
        config = proxy_config(self.port, [health])
        config["apps"]["http"]["shutdown_delay"] = "2s"
        self.proxy = self.start_proxflow(config, wait_port=self.port)
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/")[2], b"false ")
        t0 = time.monotonic()
        self.proxy.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        shutting_down, until = http("GET", f"http://127.0.0.1:{self.port}/")[2].decode().split(" ")
        self.assertEqual(shutting_down, "true")
        self.assertRegex(until, r"^1(\.\d+)?s$|^\d+(\.\d+)?ms$")
        self.assertEqual(self.proxy.wait(10), 0, harness.log_of(self.proxy))
        self.assertGreaterEqual(time.monotonic() - t0, 1.9, "the stop did not wait for shutdown_delay")

    def test_post_stop_stops_the_process_with_exit_0(self):
        self.start()
        status, _, body = http("POST", f"http://127.0.0.1:{self.admin}/stop")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.proxy.wait(10), 0, harness.log_of(self.proxy))
        self.assertFalse(port_open(self.port))
        self.assertFalse(port_open(self.admin))

    def test_post_stop_also_waits_for_an_in_flight_request(self):
        self.start()
        thread, result = self.slow_request_in_background()
        self.assertEqual(http("POST", f"http://127.0.0.1:{self.admin}/stop")[0], 200)
        thread.join(10)
        self.assertEqual(result.get("status"), 200, result)
        self.assertEqual(self.proxy.wait(10), 0, harness.log_of(self.proxy))

    def test_a_request_in_flight_across_a_reload_finishes_with_the_old_config(self):
        self.start()
        thread, result = self.slow_request_in_background()
        new = proxy_config(self.port, [{"handler": "static_response", "body": "new"}], admin_port=self.admin)
        self.assertEqual(http("POST", f"http://127.0.0.1:{self.admin}/load", body=json.dumps(new).encode(),
                              headers={"Content-Type": "application/json"})[0], 200)
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/")[2], b"new")
        thread.join(10)
        self.assertEqual(result.get("status"), 200, result)
        self.assertIn(b'"backend": "slowpoke"', result["body"])

    def test_a_request_in_flight_on_a_removed_listener_still_finishes(self):
        self.start()
        thread, result = self.slow_request_in_background()
        other = free_port()
        new = proxy_config(other, [{"handler": "static_response", "body": "elsewhere"}], admin_port=self.admin)
        self.assertEqual(http("POST", f"http://127.0.0.1:{self.admin}/load", body=json.dumps(new).encode(),
                              headers={"Content-Type": "application/json"})[0], 200)
        wait_until(lambda: not port_open(self.port), what="the old listener to close")
        thread.join(10)
        self.assertEqual(result.get("status"), 200, result)
        self.assertIn(b'"backend": "slowpoke"', result["body"])

    def test_get_stop_is_refused_and_changes_nothing(self):
        self.start()
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.admin}/stop")[0], 405)
        self.assertIsNone(self.proxy.poll())
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/")[0], 200)


if __name__ == "__main__":
    unittest.main()
