"""A backend that answers every request with its name, the request line and the headers it got.

argv: PORT [NAME [CONNLOG]]. GET /health answers 200 "ok" unless the file NAME.down exists in the cwd;
GET /slow?ms=N sleeps N ms first; GET /status/NNN answers that status. Threaded, HTTP/1.1 keep-alive.
  /hop            a 200 carrying hop-by-hop headers (Connection-listed, Keep-Alive, Proxy-Authenticate,
                  Upgrade) besides an end-to-end X-Kept: yes;
  /chunked        a chunked 200 of three chunks ("alpha", "beta", "gamma");
  /trickle?n=K&ms=N  a K-byte body (Content-Length K), one byte every N ms;
  /stall?ms=N     Content-Length 10: 5 bytes, N ms of silence, 5 more bytes.
With CONNLOG, every connection appends "open PEERPORT" when accepted and "close PEERPORT" when it ends.
"""
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

PORT = int(sys.argv[1])
NAME = sys.argv[2] if len(sys.argv) > 2 else str(PORT)
CONNLOG = sys.argv[3] if len(sys.argv) > 3 else None
log_lock = threading.Lock()


def log_connection(event, peer):
    if CONNLOG:
        with log_lock, open(CONNLOG, "a") as f:
            f.write(f"{event} {peer[1]}\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        log_connection("open", self.client_address)

    def finish(self):
        try:
            super().finish()
        finally:
            log_connection("close", self.client_address)

    def raw(self, data, pause_ms=0):
        self.wfile.write(data)
        self.wfile.flush()
        if pause_ms:
            time.sleep(pause_ms / 1000)

    def answer(self, status, body, extra=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Backend", NAME)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path == "/health":
            down = os.path.exists(NAME + ".down")
            return self.answer(503 if down else 200, "down" if down else "ok")
        if url.path == "/slow":
            time.sleep(int(urllib.parse.parse_qs(url.query).get("ms", ["1000"])[0]) / 1000)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        if url.path == "/hop":
            return self.answer(200, "hop", {"Connection": "X-Hop-Res", "X-Hop-Res": "1", "Keep-Alive": "timeout=9",
                                            "Proxy-Authenticate": "Basic", "Upgrade": "h2c", "X-Kept": "yes"})
        if url.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"alpha", b"beta", b"gamma"):
                self.raw(b"%x\r\n%s\r\n" % (len(piece), piece))
            return self.raw(b"0\r\n\r\n")
        if url.path == "/trickle":
            n, ms = int(query.get("n", "10")), int(query.get("ms", "100"))
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            for _ in range(n):
                self.raw(b"t", ms)
            return
        if url.path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "10")
            self.end_headers()
            self.raw(b"01234", int(query.get("ms", "3000")))
            return self.raw(b"56789")
        if url.path.startswith("/status/"):
            return self.answer(int(url.path.split("/")[2]), NAME)
        self.answer(200, json.dumps({"backend": NAME, "method": self.command, "path": self.path,
                                     "headers": {k: v for k, v in self.headers.items()},
                                     "body_length": len(body)}))

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
