"""A certificate manager for get_certificate {via: http}: GET /?server_name=NAME answers 200 with
the PEM certificate and key of argv[2]/argv[3] when NAME is argv[4], else 204. Each request is
printed (flushed). Usage: cert_manager.py PORT CERT KEY NAME"""
import sys
import urllib.parse

from serving import Handler, serve_http

PEM = open(sys.argv[2], "rb").read() + open(sys.argv[3], "rb").read()
NAME = sys.argv[4]


class Manager(Handler):
    def handle_any(self):
        name = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).get("server_name", [""])[0]
        print(f"GET {name}", flush=True)
        body = PEM if name == NAME else b""
        self.answer(200 if body else 204, [], body)


serve_http(Manager, int(sys.argv[1]))
