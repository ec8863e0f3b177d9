"""What the circuit breaker and adaptive load-balancing tests share: commands to the switchable backend
(backends/switchable.py), the proxy's admin views of its upstreams, and a bounded keep-alive client."""
import datetime
import http.client
import json
import re
import threading
import time

import harness


def set_mode(backend, mode, **fields):
    """Switches a running switchable backend: mode ok / fail / slow / close, with status and delay_ms."""
    status, _, body = harness.http("POST", f"http://127.0.0.1:{backend.port}/__mode",
                           json.dumps({"mode": mode, **fields}).encode())
    assert status == 200, body


def stats(backend):
    return json.loads(harness.http("GET", f"http://127.0.0.1:{backend.port}/__stats")[2])


def arrival_times(backend):
    return json.loads(harness.http("GET", f"http://127.0.0.1:{backend.port}/__times")[2])["times"]


def reset(*backends):
    for backend in backends:
        assert harness.http("POST", f"http://127.0.0.1:{backend.port}/__reset")[0] == 200


def upstreams(admin):
    """GET /reverse_proxy/upstreams as {address: entry}."""
    status, _, body = harness.http("GET", f"http://127.0.0.1:{admin}/reverse_proxy/upstreams")
    assert status == 200, body
    return {u["address"]: u for u in json.loads(body)}


def upstream(admin, backend):
    return upstreams(admin)[f"127.0.0.1:{backend.port}"]


def circuit_events(admin, backend=None):
    status, _, body = harness.http("GET", f"http://127.0.0.1:{admin}/reverse_proxy/circuit_events")
    assert status == 200, body
    events = json.loads(body)
    return [e for e in events if backend is None or e["upstream"] == f"127.0.0.1:{backend.port}"]


def event_time(event):
    """An event's RFC 3339 time as seconds since the epoch."""
    return datetime.datetime.fromisoformat(event["time"].replace("Z", "+00:00")).timestamp()


def metric(admin, name, **labels):
    """The value of the /metrics sample name{labels} (labels matched as a subset), or None."""
    text = harness.http("GET", f"http://127.0.0.1:{admin}/metrics")[2].decode()
    for line in text.splitlines():
        m = re.match(r"^([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
        if not m or m.group(1) != name:
            continue
        have = dict(re.findall(r'([a-z_]+)="([^"]*)"', m.group(2) or ""))
        if all(have.get(k) == str(v) for k, v in labels.items()):
            return float(m.group(3))
    return None


def get(port, path="/", timeout=10):
    """One request on its own connection: (status, X-Backend or None, headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        res = conn.getresponse()
        res.read()
        return res.status, res.getheader("X-Backend"), dict(res.getheaders())
    finally:
        conn.close()


def load(port, seconds, connections=4, path="/"):
    """Keep-alive clients sending one request after another for `seconds` (each request bounded by
    10 s); returns [(status, X-Backend)] of every answer. A dropped connection is reopened."""
    results = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        seen = []
        conn = None
        while time.monotonic() < deadline:
            conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", path)
                res = conn.getresponse()
                res.read()
                seen.append((res.status, res.getheader("X-Backend")))
            except (ConnectionError, http.client.HTTPException, OSError):
                conn.close()
                conn = None
                seen.append((None, None))
        if conn:
            conn.close()
        with lock:
            results.extend(seen)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    return results


def concurrently(port, count, path="/"):
    """count requests started together, each on its own connection: [(status, X-Backend)]."""
    results = [None] * count
    barrier = threading.Barrier(count)

    def one(i):
        barrier.wait()
        try:
            results[i] = get(port, path)[:2]
        except (ConnectionError, http.client.HTTPException, OSError):
            results[i] = (None, None)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results
