"""A backend that gzips its answer when the request accepts gzip, for the transport's compression.

argv: PORT LOG. Every request appends "PATH accept-encoding=VALUE range=VALUE" to LOG (None when
absent). GET /text answers 20 000 bytes of text, gzipped (Content-Encoding: gzip, Content-Length)
when Accept-Encoding names gzip; GET /corrupt claims gzip whenever asked and sends bytes that are not.
"""
import gzip
import sys

from serving import Handler, LineLog, serve_http

PORT = int(sys.argv[1])
LOG = LineLog(sys.argv[2])
TEXT = b"".join(b"line %05d of the upstream's text\n" % i for i in range(625))


class GzipHandler(Handler):
    def handle_any(self):
        accept = self.headers.get("Accept-Encoding")
        LOG.append(f"{self.path} accept-encoding={accept} range={self.headers.get('Range')}\n")
        if accept is None or "gzip" not in accept:
            return self.answer(200, [("Content-Type", "text/plain")], TEXT)
        body = gzip.compress(TEXT) if self.path == "/text" else b"this is not gzip at all" * 10
        self.answer(200, [("Content-Type", "text/plain"), ("Content-Encoding", "gzip")], body)


serve_http(GzipHandler, PORT)
