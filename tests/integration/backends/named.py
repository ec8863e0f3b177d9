"""A backend that answers every request with its name, the request line and the headers it got.

argv: PORT [NAME [CONNLOG]]. GET /health answers 200 "ok" unless the file NAME.down exists in the cwd;
GET /slow?ms=N sleeps N ms first; GET /status/NNN answers that status. Threaded, HTTP/1.1 keep-alive.
  /hop            a 200 carrying hop-by-hop headers (Connection-listed, Keep-Alive, Proxy-Authenticate,
                  Upgrade) besides an end-to-end X-Kept: yes;
  /chunked        a chunked 200 of three chunks ("alpha", "beta", "gamma");
  /trickle?n=K&ms=N  a K-byte body (Content-Length K), one byte every N ms;
  /stall?ms=N     Content-Length 10: 5 bytes, N ms of silence, 5 more bytes;
  /peer           the port the request's connection comes from.
With CONNLOG, every connection appends "open PEERPORT" when accepted and "close PEERPORT" when it ends.
"""
import json
import os
import sys
import time
import urllib.parse

from serving import Handler, LineLog, serve_http

PORT = int(sys.argv[1])
NAME = sys.argv[2] if len(sys.argv) > 2 else str(PORT)
connections = LineLog(sys.argv[3] if len(sys.argv) > 3 else None)


class Named(Handler):
    def setup(self):
        super().setup()
        connections.append(f"open {self.client_address[1]}\n")

    def finish(self):
        try:
            super().finish()
        finally:
            connections.append(f"close {self.client_address[1]}\n")

    def raw(self, data, pause_ms=0):
        self.wfile.write(data)
        self.wfile.flush()
        if pause_ms:
            time.sleep(pause_ms / 1000)

    def reply(self, status, body, extra=None):
        self.answer(status, [("Content-Type", "application/json"), ("X-Backend", NAME), *(extra or {}).items()],
                    body.encode())

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        body = self.read_body()
        if url.path == "/health":
            down = os.path.exists(NAME + ".down")
            return self.reply(503 if down else 200, "down" if down else "ok")
        if url.path == "/slow":
            time.sleep(int(urllib.parse.parse_qs(url.query).get("ms", ["1000"])[0]) / 1000)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        if url.path == "/hop":
            return self.reply(200, "hop", {"Connection": "X-Hop-Res", "X-Hop-Res": "1", "Keep-Alive": "timeout=9",
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
        if url.path == "/peer":
            return self.reply(200, str(self.client_address[1]))
        if url.path.startswith("/status/"):
            return self.reply(int(url.path.split("/")[2]), NAME)
        self.reply(200, json.dumps({"backend": NAME, "method": self.command, "path": self.path,
                                     "headers": {k: v for k, v in self.headers.items()},
                                     "body_length": len(body)}))



serve_http(Named, PORT)
