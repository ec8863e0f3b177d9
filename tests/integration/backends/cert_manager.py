"""A certificate manager for get_certificate {via: http}: GET /?server_name=NAME answers 200 with
the PEM certificate and key of argv[2]/argv[3] when NAME is argv[4], else 204. Each request is
printed (flushed). Usage: cert_manager.py PORT CERT KEY NAME"""
import http.server
import sys
import urllib.parse

PEM = open(sys.argv[2], "rb").read() + open(sys.argv[3], "rb").read()
NAME = sys.argv[4]


class Manager(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        name = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).get("server_name", [""])[0]
        print(f"GET {name}", flush=True)
        body = PEM if name == NAME else b""
        self.send_response(200 if body else 204)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Manager).serve_forever()
