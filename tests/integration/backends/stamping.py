"""A backend that writes the time it received each request (its own monotonic clock, in seconds) and
the request's target to a file, one "TIME TARGET" line per request, and answers 200 "ok".

argv: PORT LOGFILE."""
import sys
import time

from serving import Handler, LineLog, serve_http

log = LineLog(sys.argv[2])


class Stamping(Handler):
    def handle_any(self):
        log.append(f"{time.monotonic():.6f} {self.path}\n")
        self.answer(200, [("Content-Type", "text/plain")], b"ok")


serve_http(Stamping, int(sys.argv[1]))
