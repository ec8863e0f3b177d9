"""The traffic dashboard: the page in Debian's headless Chromium (driven by playwright-core from npm)
while wrk sends traffic through the proxy, its numbers against /metrics; the SSE stream's resume by
Last-Event-ID; and a client that never reads costing the proxy a bounded amount of memory.

Set PROXFLOW_DASHBOARD_SCREENSHOT=path to keep the 1280x800 screenshot (docs/screenshots/dashboard.png)."""
import hashlib
from http.client import HTTPConnection
import itertools
import json
import math
import os
import re
import shutil
import socket
import string
import struct
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "dashboard"))
from harness import PROXFLOW, ProxyTestCase, free_port, http, proxy_config, reverse_proxy, wait_until  # noqa: E402
from traffic import TickCollector, open_events, read_events, scrape, value  # noqa: E402

DRIVER_SOURCES = os.path.join(HERE, "dashboard")
CHROMIUM = "/usr/bin/chromium"


def browser_driver():
    """A folder with dashboard_page.mjs and playwright-core installed by `npm ci` from the pinned lock,
    kept beside the build (keyed by the lock's hash) so later runs skip the install."""
    with open(os.path.join(DRIVER_SOURCES, "package-lock.json"), "rb") as f:
        key = hashlib.sha256(f.read()).hexdigest()[:12]
    build = os.path.dirname(os.path.dirname(os.path.abspath(PROXFLOW)))
    folder = os.path.join(build, "integration-deps", f"dashboard-browser-{key}")
    if not os.path.exists(os.path.join(folder, "node_modules", "playwright-core", "package.json")):
        os.makedirs(folder, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(DRIVER_SOURCES, name), folder)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=folder, check=True, timeout=600)
    shutil.copy(os.path.join(DRIVER_SOURCES, "dashboard_page.mjs"), folder)
    return os.path.join(folder, "dashboard_page.mjs")


class DashboardPage:
    """dashboard_page.mjs as a child process: one JSON line per command."""

    def __init__(self, test, url):
        # Not through test.procs, which gives no pipes; close() ends it by its PID.
        self.proc = subprocess.Popen(["node", browser_driver(), url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=open(os.path.join(test.tmp, "chromium.log"), "wb"),
                                     text=True, start_new_session=True)
        test.addCleanup(self.close)
        self.ready = self._read()
        assert self.ready.get("ready"), self.ready

    def _read(self):
        line = self.proc.stdout.readline()
        assert line, f"the browser driver exited ({self.proc.poll()})"
        answer = json.loads(line)
        assert "error" not in answer, answer["error"]
        return answer

    def ask(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(15)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


def number(text):
    return int(re.sub(r"[^0-9]", "", text) or 0)


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


class DashboardTestCase(ProxyTestCase):
    def start_proxy(self, update_interval="1s"):
        """srv0 proxies to nginx (and answers /error with a 503); the dashboard has a server of its own."""
        self.nginx = self.start_nginx()
        self.port, self.admin, self.dash = free_port(), free_port(), free_port()
        routes = [{"match": [{"path": ["/error"]}], "handle": [{"handler": "static_response", "status_code": 503}]},
                  {"handle": [reverse_proxy(self.nginx.port)]}]
        config = proxy_config(self.port, None, routes=routes, admin_port=self.admin)
        config["apps"]["http"]["servers"]["dash"] = {
            "listen": [f"127.0.0.1:{self.dash}"],
            "routes": [{"handle": [{"handler": "traffic_dashboard", "path": "/dashboard",
                                    "update_interval": update_interval}]}]}
        config["apps"]["traffic_metrics"] = {"trusted_proxies": ["127.0.0.1/8"], "geo_header": "CF-IPCountry"}
        self.proxflow = self.start_proxflow(config, wait_port=self.dash)
        wait_until(lambda: http("GET", f"http://127.0.0.1:{self.port}/")[0] == 200, what="proxy answers")

    def wrk(self, seconds=5, connections=16):
        return subprocess.Popen(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                                 "-s", os.path.join(DRIVER_SOURCES, "countries.lua"), f"http://127.0.0.1:{self.port}/"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


class DashboardInChromium(DashboardTestCase):
    def test_the_page_follows_live_traffic_and_agrees_with_metrics(self):
        self.assertTrue(os.path.exists(CHROMIUM), "Debian's chromium is needed: apt-get install chromium")
        self.start_proxy()
        page = DashboardPage(self, f"http://127.0.0.1:{self.dash}/dashboard/")
        self.assertEqual(page.ready["errors"], [])
        # Every request off 127.0.0.1 is aborted by the driver: the page and its map loaded without one.
        self.assertTrue(page.ready["interceptsOffsite"], "the driver's offline routing caught nothing")
        self.assertEqual(page.ready["offsite"], [])

        # srv0's requests so far (the start-up probe), so that what wrk sent can be told apart.
        before_wrk = value(scrape(self.admin)[0], "proxflow_http_requests_total", server="srv0") or 0
        wrk = self.wrk(seconds=5)
        time.sleep(2.5)
        during = page.ask("state")
        time.sleep(1.5)
        later = page.ask("state")
        out, _ = wrk.communicate(timeout=30)
        self.assertEqual(wrk.returncode, 0, out)
        wrk_requests = int(re.search(r"(\d+) requests in", out).group(1))

        # The numbers move while traffic flows.
        self.assertGreater(number(during["tiles"]["rps"]), 0, during["tiles"])
        self.assertGreater(number(later["tiles"]["total"]), number(during["tiles"]["total"]))
        self.assertGreaterEqual(number(during["tiles"]["connections"]), 16, during["tiles"])
        self.assertRegex(during["tiles"]["latency"], r"^[\d.]+ / [\d.]+ / [\d.]+$")

        # Once traffic stops and a tick has passed, the page's total is /metrics' (summed over servers),
        # and the per-second history the charts draw adds up to the same requests and errors. Wait for a
        # tick whose 10 s window (the latency tile's) holds at least srv0's requests: all of wrk's, and
        # then some or all of the page's own few, which came before them.
        def settled():
            samples, _ = scrape(self.admin)
            total = sum(v for (n, _), v in samples.items() if n == "proxflow_http_requests_total")
            state = page.ask("state")
            settled.last = (state, samples, total)
            return (number(state["tiles"]["total"]) == total and sum(p["requests"] for p in state["points"]) == total
                    and state["lastTick"] is not None
                    and round(state["lastTick"]["rps_10s"] * 10) >= value(samples, "proxflow_http_requests_total", server="srv0"))
        wait_until(settled, timeout=10, interval=0.5, what="the page to agree with /metrics")
        state, samples, total = settled.last

        # The latency tile (p50 / p95 / p99 of that window W) against /metrics' duration histogram
        # summed over servers (all requests A, W a subset of A): the r-th smallest of W lies between the
        # r-th and the (r + |A| - |W|)-th smallest of A, so between the `le` bounds where A's cumulative
        # counts reach those ranks (the engine reads a fine bucket's midpoint, <= 0.4% off, and the tile
        # rounds to 3 significant digits).
        tile = [float(v) for v in state["tiles"]["latency"].split(" / ")]
        self.assertEqual(len(tile), 3, state["tiles"]["latency"])
        buckets = {}
        for (n, labels), v in samples.items():
            if n == "proxflow_http_request_duration_seconds_bucket":
                le = float(dict(labels)["le"])
                buckets[le] = buckets.get(le, 0) + v
        bounds = sorted(buckets)
        self.assertEqual(buckets[float("inf")], total)
        for p, shown, sent in zip((50, 95, 99), tile, (state["lastTick"][k] for k in ("p50_ms", "p95_ms", "p99_ms"))):
            rounding = 0.5 if sent >= 100 else 0.05 if sent >= 10 else 0.005
            self.assertLessEqual(abs(shown - sent), rounding + 1e-9, (p, shown, sent))
            window = round(state["lastTick"]["rps_10s"] * 10)
            rank = math.ceil(p / 100 * window)
            upper = next(le for le in bounds if buckets[le] >= rank + total - window)
            lower = max([0.0] + [le for le in bounds if buckets[le] < rank])
            print(f"p{p}: page {shown} ms, /metrics bucket ({lower * 1000:g}, {upper * 1000:g}] ms", file=sys.stderr)
            with self.subTest(percentile=p, page_ms=shown, bucket_ms=(lower * 1000, upper * 1000)):
                self.assertGreaterEqual(shown, lower * 1000 * 0.995 - rounding)
                self.assertLessEqual(shown, upper * 1000 * 1.005 + rounding)
        srv0 = value(samples, "proxflow_http_requests_total", server="srv0")
        self.assertGreater(srv0, 1000)
        self.assertEqual(sum(p["errors"] for p in state["points"]),
                         value(samples, "proxflow_http_responses_total", server="srv0", code_class="5xx"))
        self.assertGreater(sum(p["errors"] for p in state["points"]), 0)

        # The chart's seconds add up to /metrics' total (settled above), and srv0's part of it past the
        # start-up probe is what wrk counted, plus at most one request per connection still in flight
        # when wrk stopped. (Per-second
        # rates are not compared with wrk's average: beside another test on two cores they swing 3x.)
        self.assertGreaterEqual(srv0 - before_wrk, wrk_requests)
        self.assertLessEqual(srv0 - before_wrk, wrk_requests + 16)
        busy = [p["requests"] for p in state["points"] if p["requests"] > 0]
        self.assertGreaterEqual(len(busy), 4, busy)
        # The rate chart draws those seconds, from shortly before the first busy one.
        rate_x, rate_requests, rate_errors = state["charts"]["rate"]
        by_second = {p["second"]: p for p in state["points"]}
        self.assertEqual(rate_requests, [by_second[x]["requests"] for x in rate_x])
        self.assertEqual(rate_errors, [by_second[x]["errors"] for x in rate_x])
        self.assertEqual(sum(rate_requests), total)
        latency = state["charts"]["latency"]
        self.assertTrue(any(p99 and p99 > 0 for p99 in latency[3]), "the latency chart has no p99")
        self.assertGreaterEqual(max(state["charts"]["connections"][1]), 16)
        self.assertTrue(all(w > 200 and h > 100 for w, h in state["chartCanvases"]), state["chartCanvases"])

        # The map has its countries, and those that got traffic are coloured with their counts.
        countries = {dict(labels)["country"]: v for (n, labels), v in samples.items()
                     if n == "proxflow_http_requests_by_country_total"}
        self.assertGreater(state["map"]["paths"], 170)
        self.assertGreater(state["map"]["withCode"], 170)
        for code in ("DE", "US", "BR", "CN", "JP"):
            with self.subTest(country=code):
                self.assertIn(code, state["map"]["filled"])
                self.assertEqual(state["map"]["filled"][code]["requests"], countries[code])
                self.assertNotEqual(state["map"]["filled"][code]["fill"], state["map"]["defaultFill"])
        self.assertNotIn("FR", state["map"]["filled"])
        rows = {r["code"]: r["cells"] for r in state["table"]}
        self.assertEqual({code: number(cells[1]) for code, cells in rows.items()}, countries)
        self.assertEqual(rows["DE"][0], "Germany")
        self.assertEqual(rows["local"][0], "Local network")
        self.assertEqual(state["errors"], [])
        self.assertEqual(state["offsite"], [])

        shot = os.environ.get("PROXFLOW_DASHBOARD_SCREENSHOT") or os.path.join(self.tmp, "dashboard.png")
        page.ask(f"shot {os.path.abspath(shot)}")
        self.assertEqual(png_size(shot), (1280, 800))


class EventStream(DashboardTestCase):
    def stream(self, last_event_id=None, ticks=1):
        """Every event until the `ticks`-th tick, for a client sending last_event_id: [(event, id, data)]."""
        conn, res = open_events(self.dash, last_event_id=last_event_id)
        events = []

        def on_event(e):
            events.append((e["event"], int(e["id"]), json.loads(e["data"])))
            return sum(1 for kind, _, _ in events if kind == "tick") >= ticks
        read_events(res, on_event)
        conn.close()
        return events

    @staticmethod
    def seconds_of(events):
        return [data["second"] for kind, _, data in events if kind == "point"]

    def test_a_reconnect_with_last_event_id_gets_only_the_later_points(self):
        self.start_proxy()
        for _ in range(3):
            http("GET", f"http://127.0.0.1:{self.port}/")
        time.sleep(1.1)  # history holds complete seconds only
        # A client that follows the stream for three ticks (live points arrive between them), then drops
        # right after a tick: the last event a real EventSource saw, whose id it sends on reconnect.
        first = self.stream(ticks=3)
        seconds = self.seconds_of(first)
        self.assertGreaterEqual(len(seconds), 300)
        self.assertEqual(seconds, list(range(seconds[0], seconds[0] + len(seconds))), "history has gaps")
        self.assertGreaterEqual(sum(d["requests"] for k, _, d in first if k == "point"), 3)
        newest = 0
        for kind, event_id, data in first:
            if kind == "point":
                self.assertEqual(event_id, data["second"] * 1000)
                newest = data["second"]
            else:  # a tick's id is the newest point sent before it, not its own millisecond
                self.assertEqual(event_id, newest * 1000)
                self.assertGreater(data["t"] // 1000, newest)
        last_kind, last_id, last_tick = first[-1]
        self.assertEqual(last_kind, "tick")

        # Reconnect two seconds later with that id: the missed seconds, no gap and no duplicate.
        time.sleep(2)
        resumed = self.stream(last_event_id=last_id)
        resumed_seconds = self.seconds_of(resumed)
        self.assertTrue(resumed_seconds, "no points after the resume")
        self.assertEqual(resumed_seconds[0], seconds[-1] + 1, "a gap or a duplicate at the reconnect")
        joined = seconds + resumed_seconds
        self.assertEqual(joined, list(range(joined[0], joined[0] + len(joined))))
        self.assertGreaterEqual(len(resumed_seconds), 2)  # at least the 2 s slept
        self.assertLess(len(resumed_seconds), 15)
        # The second the dropped tick was sent in is among them (the point the old ids lost).
        self.assertIn(last_tick["t"] // 1000, resumed_seconds)

        # A point's id resumes after that point.
        seen_id = [event_id for kind, event_id, _ in first if kind == "point"][-3]
        resumed = self.stream(last_event_id=seen_id)
        self.assertEqual(self.seconds_of(resumed)[0], seen_id // 1000 + 1)


class SlowClients(DashboardTestCase):
    def test_clients_that_never_read_cost_bounded_memory_and_resume_with_fresh_ticks(self):
        self.start_proxy(update_interval="100ms")
        collector = TickCollector(self.dash)  # a normal reader, to know ticks keep flowing
        self.addCleanup(collector.close)
        # A request from each of the 676 two-letter codes makes every tick ~40 KB, 400 KB/s per client at
        # 100 ms: a few seconds fill what the kernel buffers, and a queue would show in RSS at once.
        conn = HTTPConnection("127.0.0.1", self.port, timeout=10)
        for code in itertools.product(string.ascii_uppercase, repeat=2):
            conn.request("GET", "/", headers={"CF-IPCountry": "".join(code)})
            conn.getresponse().read()
        conn.close()
        time.sleep(1)
        rss_idle = vm_rss_kib(self.proxflow.pid)

        stalled = []
        for _ in range(40):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: a small window
            s.connect(("127.0.0.1", self.dash))
            s.sendall(b"GET /dashboard/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
            stalled.append(s)
            self.addCleanup(s.close)
        time.sleep(1)  # each has its history by now, as much as the kernel takes
        rss_connected = vm_rss_kib(self.proxflow.pid)
        ticks_before = len(collector.ticks)
        time.sleep(10)  # 100 ticks of ~40 KB per client: 160 MB for 40 clients if queued
        rss_after = vm_rss_kib(self.proxflow.pid)
        self.assertGreater(len(collector.ticks) - ticks_before, 50, "ticks stopped for the reading client")
        print(f"VmRSS {rss_idle} KiB idle, {rss_connected} KiB with 40 stalled SSE clients, "
              f"{rss_after} KiB 10 s later", file=sys.stderr)
        self.assertLess(rss_after - rss_connected, 4 * 1024)

        # What a stalled client finally reads is what the kernel's socket buffers held, then fresh ticks:
        # the stream goes on, and its backlog is bounded by the buffers (tcp_wmem + tcp_rmem maxima).
        s = stalled[0]
        started_reading_ms = time.time() * 1000
        s.settimeout(0.5)
        data = b""
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(1 << 20)
            except socket.timeout:
                continue
            if not chunk:
                break
            data += chunk
        ticks = [(m.start(), json.loads(m.group(1))) for m in re.finditer(rb"event: tick\ndata: (.*)\n", data)]
        fresh = [at for at, t in ticks if t["t"] >= started_reading_ms]
        self.assertGreater(len(fresh), 5, "the stalled client got no fresh ticks once it read")
        with open("/proc/sys/net/ipv4/tcp_wmem") as w, open("/proc/sys/net/ipv4/tcp_rmem") as r:
            kernel_bytes = int(w.read().split()[2]) + int(r.read().split()[2])
        print(f"stalled client: {fresh[0]} bytes held before the first fresh tick, "
              f"{len(ticks) - len(fresh)} old ticks", file=sys.stderr)
        self.assertLessEqual(fresh[0], kernel_bytes)

if __name__ == "__main__":
    unittest.main(verbosity=2)
