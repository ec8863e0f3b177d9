"""A backend whose answer the request chooses, for tests of what a proxy does with a response.

argv: PORT [HOST [NAME]]. Query parameters of any request:
  status=NNN      the status (default 200)
  h=Name:value    a response header field (repeatable)
  body=TEXT       the body (default "from NAME")
Every answer also carries X-Seen-Method, X-Seen-Uri and X-Seen-Body-Length (the request as received)
and X-Served-By: NAME. HOST defaults to 127.0.0.1; "::1" serves on IPv6's loopback.
"""
import http.server
import socket
import sys
import urllib.parse

PORT = int(sys.argv[1])
HOST = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
NAME = sys.argv[3] if len(sys.argv) > 3 else str(PORT)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        received = self.rfile.read(length) if length else b""
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        status = int(query.get("status", ["200"])[0])
        body = query.get("body", [f"from {NAME}"])[0].encode()
        self.send_response(status)
        for field in query.get("h", []):
            name, _, value = field.partition(":")
            self.send_header(name, value)
        self.send_header("X-Seen-Method", self.command)
        self.send_header("X-Seen-Uri", self.path)
        self.send_header("X-Seen-Body-Length", str(len(received)))
        self.send_header("X-Served-By", NAME)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


http.server.ThreadingHTTPServer.daemon_threads = True
if ":" in HOST:
    http.server.ThreadingHTTPServer.address_family = socket.AF_INET6
http.server.ThreadingHTTPServer((HOST, PORT), Handler).serve_forever()
