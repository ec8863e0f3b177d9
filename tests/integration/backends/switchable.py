"""A backend whose behaviour a test changes while it runs, and which counts what reached it.

argv: PORT [NAME] [--mode MODE] [--status S] [--delay-ms D] [--workers K]. One asyncio loop on 127.0.0.1,
HTTP/1.1 keep-alive. Every request except the control ones below is counted and answered by the current mode:
  ok      200 {"backend": NAME} (after delay_ms, when set)
  fail    status (default 500) after delay_ms, when set
  slow    200 after delay_ms (default 1000)
  close   the request is read, counted, and its connection closed without an answer
With workers K > 0 at most K requests are served at a time and the others wait their turn (a server of
fixed capacity, whose latency grows with its queue, as a benchmark's backend should); 0 is no limit.
Every answer carries X-Backend: NAME. Control requests (never counted, never delayed):
  POST /__mode   {"mode": ..., "status": ..., "delay_ms": ..., "workers": ...}: omitted fields take their defaults;
                 answers the new mode as JSON
  GET  /__stats  {"name", "mode", "status", "delay_ms", "workers", "requests", "in_flight", "max_concurrent",
                 "statuses": {"200": n, ...}}
  GET  /__times  {"times": [...]}: the wall-clock arrival time (time.time()) of each counted request,
                 the first MAX_TIMES since the last reset
  POST /__reset  zeroes requests, max_concurrent, statuses and times (in_flight stays what it is)
"""
import argparse
import asyncio
import json
import time

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("name", nargs="?")
parser.add_argument("--mode", default="ok", choices=("ok", "fail", "slow", "close"))
parser.add_argument("--status", type=int, default=500)
parser.add_argument("--delay-ms", type=float, default=None)
parser.add_argument("--workers", type=int, default=0)
args = parser.parse_args()
NAME = args.name or str(args.port)
DEFAULT_DELAY = {"ok": 0, "fail": 0, "slow": 1000, "close": 0}
MAX_TIMES = 200_000  # a few MB: a benchmark that never resets must not grow without bound


class Behaviour:
    def __init__(self):
        self.set({"mode": args.mode, "status": args.status, "delay_ms": args.delay_ms, "workers": args.workers})
        self.reset()

    def set(self, spec):
        mode = spec.get("mode", "ok")
        if mode not in DEFAULT_DELAY:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.status = int(spec.get("status") or 500)
        delay = spec.get("delay_ms")
        self.delay_ms = float(DEFAULT_DELAY[mode] if delay is None else delay)
        self.workers = int(spec.get("workers") or 0)
        self.gate = asyncio.Semaphore(self.workers) if self.workers > 0 else None

    def reset(self):
        self.requests = 0
        self.max_concurrent = 0
        self.statuses = {}
        self.times = []
        self.in_flight = getattr(self, "in_flight", 0)

    def describe(self):
        return {"name": NAME, "mode": self.mode, "status": self.status, "delay_ms": self.delay_ms,
                "workers": self.workers}

    def stats(self):
        return {**self.describe(), "requests": self.requests, "in_flight": self.in_flight,
                "max_concurrent": self.max_concurrent, "statuses": self.statuses}


state = Behaviour()
REASONS = {200: "OK", 400: "Bad Request", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout"}


def response(status, body, keep_alive):
    head = (f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\nContent-Type: application/json\r\n"
            f"X-Backend: {NAME}\r\nContent-Length: {len(body)}\r\n")
    if not keep_alive:
        head += "Connection: close\r\n"
    return head.encode() + b"\r\n" + body


async def read_body(reader, fields):
    if fields.get("transfer-encoding", "").replace(" ", "").lower().endswith("chunked"):
        body = b""
        while size := int((await reader.readline()).split(b";")[0].strip() or b"0", 16):
            body += await reader.readexactly(size + 2)
        while (await reader.readline()) not in (b"\r\n", b""):  # trailer fields
            pass
        return body
    length = int(fields.get("content-length") or 0)
    return await reader.readexactly(length) if length else b""


def control(method, path, body):
    """The answer to a control request, or None when path is not one."""
    if method == "POST" and path == "/__mode":
        try:
            state.set(json.loads(body or b"{}"))
        except (ValueError, TypeError) as e:
            return 400, json.dumps({"error": str(e)})
        return 200, json.dumps(state.describe())
    if method == "GET" and path == "/__stats":
        return 200, json.dumps(state.stats())
    if method == "GET" and path == "/__times":
        return 200, json.dumps({"times": state.times})
    if method == "POST" and path == "/__reset":
        state.reset()
        return 200, json.dumps(state.stats())
    return None


async def serve(reader, writer):
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return
            lines = head.decode("latin-1").split("\r\n")
            method, target, version = (lines[0].split(" ") + ["", ""])[:3]
            fields = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    fields[name.strip().lower()] = value.strip()
            body = await read_body(reader, fields)
            connection = fields.get("connection", "").lower()
            keep_alive = connection != "close" and (version == "HTTP/1.1" or connection == "keep-alive")
            path = target.split("?", 1)[0]
            answer = control(method, path, body)
            if answer is not None:
                writer.write(response(answer[0], answer[1].encode(), keep_alive))
                await writer.drain()
            else:
                if not await counted(writer, keep_alive):
                    return
            if not keep_alive:
                return
    finally:
        writer.close()


async def counted(writer, keep_alive):
    """Answers one counted request by the current mode; False when the connection must end."""
    state.requests += 1
    if len(state.times) < MAX_TIMES:
        state.times.append(time.time())
    state.in_flight += 1
    state.max_concurrent = max(state.max_concurrent, state.in_flight)
    mode, status, delay_ms, gate = state.mode, state.status, state.delay_ms, state.gate
    try:
        if gate:
            async with gate:
                await asyncio.sleep(delay_ms / 1000)
        elif delay_ms > 0:
            await asyncio.sleep(delay_ms / 1000)
        if mode == "close":
            state.statuses["closed"] = state.statuses.get("closed", 0) + 1
            return False
        status = status if mode == "fail" else 200
        state.statuses[str(status)] = state.statuses.get(str(status), 0) + 1
        writer.write(response(status, json.dumps({"backend": NAME}).encode(), keep_alive))
        await writer.drain()
        return True
    except ConnectionError:
        return False
    finally:
        state.in_flight -= 1


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", args.port, backlog=512)
    async with server:
        await server.serve_forever()


asyncio.run(main())
