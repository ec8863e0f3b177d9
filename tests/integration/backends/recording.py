"""A backend that appends every request line it receives to a file, for tests that must prove what
an upstream did or did not see (request smuggling).

argv: PORT LOGFILE. Every request is answered 200 "seen METHOD PATH" unless its path is:
  /truncate      a 200 header promising 100000 bytes, 10 bytes of body, then the connection closes;
  /truncate-chunked  a chunked 200 with one chunk, then the connection closes without the last chunk.
Request headers are logged too, one "  Name: value" line each, so folded headers can be checked.
"""
import sys

from serving import Handler, LineLog, serve_http

log = LineLog(sys.argv[2])
TRUNCATED = {
    "/truncate": b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nContent-Type: text/plain\r\n\r\n0123456789",
    "/truncate-chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n",
}


class Recording(Handler):
    def handle_any(self):
        log.append(f"{self.command} {self.path}\n" + "".join(f"  {k}: {v}\n" for k, v in self.headers.items()))
        self.read_body()
        if self.path in TRUNCATED:
            self.wfile.write(TRUNCATED[self.path])
            self.wfile.flush()
            self.close_connection = True
            return
        self.answer(200, [("Content-Type", "text/plain")], f"seen {self.command} {self.path}\n".encode())


serve_http(Recording, int(sys.argv[1]))
