"""A backend whose answer the request chooses, for tests of what a proxy does with a response.

argv: PORT [HOST [NAME]]. Query parameters of any request:
  status=NNN      the status (default 200)
  h=Name:value    a response header field (repeatable)
  body=TEXT       the body (default "from NAME")
Every answer also carries X-Seen-Method, X-Seen-Uri and X-Seen-Body-Length (the request as received)
and X-Served-By: NAME. HOST defaults to 127.0.0.1; "::1" serves on IPv6's loopback.
"""
import sys
import urllib.parse

from serving import Handler, serve_http

PORT = int(sys.argv[1])
HOST = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
NAME = sys.argv[3] if len(sys.argv) > 3 else str(PORT)


class Responder(Handler):
    def handle_any(self):
        received = self.read_body()
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        status = int(query.get("status", ["200"])[0])
        body = query.get("body", [f"from {NAME}"])[0].encode()
        fields = [tuple(field.partition(":")[::2]) for field in query.get("h", [])]
        self.answer(status, fields + [("X-Seen-Method", self.command), ("X-Seen-Uri", self.path),
                                      ("X-Seen-Body-Length", str(len(received))), ("X-Served-By", NAME),
                                      ("Content-Type", "text/plain")], body)


serve_http(Responder, PORT, HOST)
