"""A backend that answers `Expect: 100-continue` as told, for the transport's expect_continue_timeout.

argv: PORT MODE LOG. MODE is what it does when a request expects 100-continue:
  417 / 401  answers that status at once, without reading the body (python's documented way);
  continue   sends its own 100 Continue after DELAY ms (query ?delay=, default 0), then reads the body;
  silent     sends nothing and reads the body whenever it comes.
Every request appends "METHOD PATH expect=VALUE body=N" to LOG (N: body bytes read, -1 for none);
answers are 200 "got N" otherwise.
"""
import sys
import time
import urllib.parse

from serving import Handler, LineLog, serve_http

PORT, MODE = int(sys.argv[1]), sys.argv[2]
LOG = LineLog(sys.argv[3])


class ExpectHandler(Handler):
    def seen(self, body_length):
        LOG.append(f"{self.command} {self.path} expect={self.headers.get('Expect')} body={body_length}\n")

    def handle_expect_100(self):
        if MODE in ("417", "401"):
            self.seen(-1)
            self.close_connection = True
            self.answer(int(MODE), [("Connection", "close")], b"refused before the body\n")
            return False
        if MODE == "silent":
            return True
        delay = int(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("delay", ["0"])[0])
        time.sleep(delay / 1000)
        return super().handle_expect_100()

    def handle_any(self):
        body = self.read_body()
        self.seen(len(body))
        self.answer(200, [], f"got {len(body)}".encode())


serve_http(ExpectHandler, PORT)
