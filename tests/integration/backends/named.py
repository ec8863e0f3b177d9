"""A backend that answers every request with its name, the request line and the headers it got.

argv: PORT [NAME]. GET /health answers 200 "ok" unless the file NAME.down exists in the cwd;
GET /slow?ms=N sleeps N ms first; GET /status/NNN answers that status. Threaded, HTTP/1.1 keep-alive.
"""
import http.server
import json
import os
import sys
import time
import urllib.parse

PORT = int(sys.argv[1])
NAME = sys.argv[2] if len(sys.argv) > 2 else str(PORT)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

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
        if url.path.startswith("/status/"):
            return self.answer(int(url.path.split("/")[2]), NAME)
        self.answer(200, json.dumps({"backend": NAME, "method": self.command, "path": self.path,
                                     "headers": {k: v for k, v in self.headers.items()},
                                     "body_length": len(body)}))

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
