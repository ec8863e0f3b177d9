"""Reading what ProxFlow says about its traffic: the admin API's /metrics, parsed with the real
Prometheus text-format parser, and the traffic dashboard's Server-Sent Events."""
import http.client
import json
import math
import socket
import threading
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def scrape(admin_port):
    """GET /metrics, parsed; returns {(sample name, frozenset of label items): value} and the families."""
    with urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/metrics", timeout=10) as res:
        assert res.status == 200, res.status
        text = res.read().decode()
    samples, families = {}, {}
    for family in text_string_to_metric_families(text):
        families[family.name] = family
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples, families


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())))


def nearest_rank(values, p):
    """The p-th percentile by the nearest-rank method, the one the engine uses."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def read_events(response, on_event):
    """Reads SSE events (dicts with id, event, data) from an http.client response until on_event
    returns True or the stream ends."""
    event = {}
    while True:
        line = response.readline()
        if not line:
            return
        line = line.decode().rstrip("\r\n")
        if not line:
            if "data" in event and on_event(event):
                return
            event = {}
            continue
        field, _, rest = line.partition(":")
        event[field] = rest[1:] if rest.startswith(" ") else rest


def open_events(port, path="/dashboard/events", last_event_id=None, timeout=15):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    conn.request("GET", path, headers=headers)
    res = conn.getresponse()
    assert res.status == 200, res.status
    assert res.getheader("Content-Type", "").startswith("text/event-stream")
    return conn, res


class TickCollector:
    """Follows the dashboard's SSE stream on a thread and keeps every tick's data, parsed."""

    def __init__(self, port, path="/dashboard/events"):
        self.conn, self.res = open_events(port, path, timeout=30)
        self.ticks, self.points = [], []
        self.stopped = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        def on_event(e):
            target = self.ticks if e.get("event") == "tick" else self.points
            target.append(json.loads(e["data"]))
            return self.stopped
        try:
            read_events(self.res, on_event)
        except OSError:
            pass

    def close(self):
        self.stopped = True
        if self.conn.sock:
            self.conn.sock.shutdown(socket.SHUT_RDWR)  # wakes the reading thread
        self.conn.close()
        self.thread.join(5)
