"""On-demand TLS `ask` endpoint: GET /?domain=NAME answers 200 when NAME is one of argv[2:], else 403.
Each request is printed (flushed) so tests can see what was asked. Usage: ask.py PORT NAME..."""
import sys
import urllib.parse

from serving import Handler, serve_http

ALLOWED = set(sys.argv[2:])


class Ask(Handler):
    def handle_any(self):
        domain = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).get("domain", [""])[0]
        print(f"ASK {domain}", flush=True)
        self.answer(200 if domain in ALLOWED else 403, [], b"")


serve_http(Ask, int(sys.argv[1]))
