"""Plays one case against one proxy and records what happened: the statuses the client got, whether and
when the connection closed, what the recording backend saw, and whether a fresh request on a new
connection was answered afterwards (a desynchronised proxy often fails only that one)."""
import ast
import os
import socket
import time
from dataclasses import dataclass, field

from raw_http import exchange, read_until_close, statuses

QUIET = 1.0     # a connection silent this long after an answer is taken as kept open
DRIP_EVERY = 0.2
FLOOD = 200
FOLLOW_UP = b"GET /followup HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"


@dataclass
class Seen:
    """One request as the backend logged it; method "ERROR" for bytes it could not serve."""
    method: str
    target: str
    headers: list = field(default_factory=list)  # (lowercase name, value)
    body: bytes = b""

    def __str__(self):
        return f"{self.method} {self.target}"


@dataclass
class Observation:
    sent: bytes
    received: bytes
    closed: bool
    elapsed: float
    upstream: list
    follow_up: bytes = b""

    @property
    def statuses(self):
        return statuses(self.received)

    @property
    def follow_up_served(self):
        return statuses(self.follow_up) == [200] and self.follow_up.endswith(b"\r\n\r\nseen GET /followup\n")


class BackendLog:
    """The recording backend's log, read from where the current case began."""

    def __init__(self, path):
        self.path = path
        self.mark = 0

    def begin(self):
        self.mark = os.path.getsize(self.path)

    def settled(self, quiet=0.25, limit=2.0):
        """Waits until nothing was appended for quiet seconds (at most limit), so a request a proxy forwards
        late is counted in the case that sent it, not in the next one."""
        size, still_since, deadline = -1, time.monotonic(), time.monotonic() + limit
        while time.monotonic() < deadline:
            if (now := os.path.getsize(self.path)) != size:
                size, still_since = now, time.monotonic()
            elif time.monotonic() - still_since >= quiet:
                return
            time.sleep(0.05)

    def since_begin(self):
        with open(self.path, "rb") as f:
            f.seek(self.mark)
            return parse_log(f.read().decode())


def parse_log(text):
    seen = []
    for line in text.splitlines():
        if line.startswith("  [body] "):
            value = line[len("  [body] "):]
            seen[-1].body = ast.literal_eval(value) if value.startswith("b") else value.encode()
        elif line.startswith("  "):
            name, _, value = line[2:].partition(": ")
            seen[-1].headers.append((name.lower(), value))
        elif line:
            method, _, target = line.partition(" ")
            seen.append(Seen(method, target))
    return seen


def play(case, port, backend_port, log):
    sent = case.send.replace(b"{backend}", str(backend_port).encode())
    log.begin()
    started = time.monotonic()
    received, closed = PLAYS[case.play](port, sent, case.within)
    elapsed = time.monotonic() - started
    follow_up, _ = exchange(port, FOLLOW_UP, timeout=3)
    log.settled()
    upstream = log.since_begin()
    # The follow-up was answered after the backend logged it, so its entry is there when it was served.
    for i in reversed(range(len(upstream))):
        if (upstream[i].method, upstream[i].target) == ("GET", "/followup"):
            del upstream[i]
            break
    return Observation(sent, received, closed, elapsed, upstream, follow_up)


def play_exchange(port, sent, within):
    return exchange(port, sent, timeout=3, quiet=QUIET)


def play_header_drip(port, sent, within):
    """Sends the head a byte at a time, as a slowloris client does, until the server closes or within passes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
    received = b""
    deadline = time.monotonic() + within
    try:
        for byte in sent[:-2]:  # never the final CRLF: the head stays incomplete
            if time.monotonic() > deadline:
                return received, False
            try:
                s.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            s.settimeout(DRIP_EVERY)
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                return received, True
            if not chunk:
                return received, True
            received += chunk
        more, closed = read_until_close(s, max(0.1, deadline - time.monotonic()))
        return received + more, closed
    finally:
        s.close()


def play_and_wait(port, sent, within):
    """Sends the bytes, then nothing (a body that never comes, an idle keep-alive connection): waits within
    seconds for the server to settle the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        s.sendall(sent)
        return read_until_close(s, within)


def play_flood(port, sent, within):
    """FLOOD connections each holding half a head, then the case's request on one more: answered within?"""
    held = []
    try:
        for _ in range(FLOOD):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=1)
                s.sendall(b"GET /flood-hold HTTP/1.1\r\nHost: t\r\n")
                held.append(s)
            except OSError:
                break  # refused or not accepted in time: the proxy's cap, which is fine
        return exchange(port, sent, timeout=within)
    finally:
        for s in held:
            s.close()


PLAYS = {"exchange": play_exchange, "header_drip": play_header_drip, "wait": play_and_wait, "flood": play_flood}
