"""A backend that answers `Expect: 100-continue` as told, for the transport's expect_continue_timeout.

argv: PORT MODE LOG. MODE is what it does when a request expects 100-continue:
  417 / 401  answers that status at once, without reading the body (python's documented way);
  continue   sends its own 100 Continue after DELAY ms (query ?delay=, default 0), then reads the body;
  silent     sends nothing and reads the body whenever it comes.
Every request appends "METHOD PATH expect=VALUE body=N" to LOG (N: body bytes read, -1 for none);
answers are 200 "got N" otherwise.
"""
import http.server
import sys
import threading
import time
import urllib.parse

PORT, MODE, LOG = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()


def log(line):
    with lock, open(LOG, "a") as f:
        f.write(line + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_expect_100(self):
        if MODE in ("417", "401"):
            log(f"{self.command} {self.path} expect={self.headers.get('Expect')} body=-1")
            body = b"refused before the body\n"
            self.send_response(int(MODE))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
            return False
        if MODE == "silent":
            return True
        delay = int(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("delay", ["0"])[0])
        time.sleep(delay / 1000)
        return super().handle_expect_100()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        log(f"{self.command} {self.path} expect={self.headers.get('Expect')} body={len(body)}")
        answer = f"got {len(body)}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_PUT = do_POST


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
