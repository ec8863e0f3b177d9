"""A backend that appends every request it receives to a file, for tests that must prove what
an upstream did or did not see (request smuggling).

argv: PORT LOGFILE. Every request, whatever its method, is answered 200 "seen METHOD TARGET" unless its
target is:
  /truncate      a 200 header promising 100000 bytes, 10 bytes of body, then the connection closes;
  /truncate-chunked  a chunked 200 with one chunk, then the connection closes without the last chunk.
The log has one "METHOD TARGET" line per request (the target exactly as received), then one
"  Name: value" line per header field, so folded headers can be checked, then, once read,
"  [body] b'...'" when the request had content. Whatever the backend could not serve is logged too,
as "ERROR CODE b'<request line>'", so no bytes reach it unseen. Control and non-ASCII characters are
written as \\xNN escapes.
"""
import sys

from serving import Handler, LineLog, serve_http

log = LineLog(sys.argv[2])
TRUNCATED = {
    "/truncate": b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nContent-Type: text/plain\r\n\r\n0123456789",
    "/truncate-chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n",
}


def printable(text):
    """text (decoded as Latin-1, as http.server does) with every byte outside visible ASCII escaped."""
    return "".join(c if " " <= c <= "~" else f"\\x{ord(c):02x}" for c in text)


class Recording(Handler):
    def __getattr__(self, name):
        # http.server answers 501 to a method without a do_ method; here every method is served and logged.
        if name.startswith("do_"):
            return self.handle_any
        raise AttributeError(name)

    def handle_any(self):
        target = printable(self.raw_requestline.decode("latin-1").split()[1])
        # The head is logged before the body is read, so a request whose body never comes is seen at once.
        log.append(f"{self.command} {target}\n" + "".join(f"  {k}: {printable(v)}\n" for k, v in self.headers.items()))
        try:
            body = self.read_body()
        except ValueError as e:
            log.append(f"  [body] unreadable: {e}\n")
            self.close_connection = True
            return
        if body:
            log.append(f"  [body] {body!r}\n")
        if target in TRUNCATED:
            self.wfile.write(TRUNCATED[target])
            self.wfile.flush()
            self.close_connection = True
            return
        self.answer(200, [("Content-Type", "text/plain")], f"seen {self.command} {target}\n".encode())

    def send_error(self, code, message=None, explain=None):
        log.append(f"ERROR {code} {printable(repr(self.raw_requestline))}\n")
        super().send_error(code, message, explain)


serve_http(Recording, int(sys.argv[1]))
