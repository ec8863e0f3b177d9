"""On-demand TLS `ask` endpoint: GET /?domain=NAME answers 200 when NAME is one of argv[2:], else 403.
Each request is printed (flushed) so tests can see what was asked. Usage: ask.py PORT NAME..."""
import http.server
import sys
import urllib.parse

ALLOWED = set(sys.argv[2:])


class Ask(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        domain = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).get("domain", [""])[0]
        print(f"ASK {domain}", flush=True)
        self.send_response(200 if domain in ALLOWED else 403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Ask).serve_forever()
