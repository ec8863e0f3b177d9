"""A backend that gzips its answer when the request accepts gzip, for the transport's compression.

argv: PORT LOG. Every request appends "PATH accept-encoding=VALUE range=VALUE" to LOG (None when
absent). GET /text answers 20 000 bytes of text, gzipped (Content-Encoding: gzip, Content-Length)
when Accept-Encoding names gzip; GET /corrupt claims gzip whenever asked and sends bytes that are not.
"""
import gzip
import http.server
import sys
import threading

PORT, LOG = int(sys.argv[1]), sys.argv[2]
TEXT = b"".join(b"line %05d of the upstream's text\n" % i for i in range(625))
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        accept = self.headers.get("Accept-Encoding")
        with lock, open(LOG, "a") as f:
            f.write(f"{self.path} accept-encoding={accept} range={self.headers.get('Range')}\n")
        gzipped = accept is not None and "gzip" in accept
        body = TEXT
        if gzipped:
            body = gzip.compress(TEXT) if self.path == "/text" else b"this is not gzip at all" * 10
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
