"""A forward-auth server in the manner of Authelia: GET /verify decides on the client's credentials.

argv: PORT LOGFILE. For every request it appends one JSON line {method, uri, headers, body_length,
peer_port} (peer_port tells connections apart).
  Authorization: Bearer good   -> 200, Remote-User: alice, Remote-Groups: admins,dev, Remote-Email
  Authorization: Bearer expired-> 302 to the login page (Location), body "login first"
  anything else                -> 401, WWW-Authenticate: Bearer, body "denied: <X-Forwarded-Method> <X-Forwarded-Uri>"
"""
import http.server
import json
import sys
import threading

PORT = int(sys.argv[1])
LOG = sys.argv[2]
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        received = self.rfile.read(length) if length else b""
        with lock, open(LOG, "a") as f:
            f.write(json.dumps({"method": self.command, "uri": self.path, "headers": dict(self.headers.items()),
                                "body_length": len(received), "peer_port": self.client_address[1]}) + "\n")
        auth = self.headers.get("Authorization", "")
        if auth == "Bearer good":
            self.answer(200, [("Remote-User", "alice"), ("Remote-Groups", "admins,dev"),
                              ("Remote-Email", "alice@example.test")], b"")
        elif auth == "Bearer expired":
            self.answer(302, [("Location", "https://login.example.test/?rd=x"), ("Content-Type", "text/plain")],
                        b"login first")
        else:
            what = f"denied: {self.headers.get('X-Forwarded-Method')} {self.headers.get('X-Forwarded-Uri')}"
            self.answer(401, [("WWW-Authenticate", "Bearer"), ("Content-Type", "text/plain")], what.encode())

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
