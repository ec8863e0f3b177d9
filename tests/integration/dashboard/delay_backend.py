"""A backend for latency tests: GET /slow?ms=N sleeps N ms, then answers 200 in one write.

argv: PORT. One write per response with TCP_NODELAY, so the only delay a request sees is the one
asked for: a header and a body written apart can stall ~40 ms on Nagle and the peer's delayed ACK.
"""
import http.server
import sys
import time
import urllib.parse

PORT = int(sys.argv[1])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        ms = int(urllib.parse.parse_qs(url.query).get("ms", ["0"])[0])
        time.sleep(ms / 1000)
        body = b"slept %d ms\n" % ms
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"
                         % (len(body), body))


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
