"""What the test backends share: a quiet threaded HTTP/1.1 server on the loopback, a raw-socket
accept loop for backends that must control every byte, and a log file several threads append to."""
import http.server
import socket
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    """Every method goes to handle_any(); nothing is logged to stderr."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        raise NotImplementedError

    def do_GET(self):
        self.handle_any()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def read_body(self):
        """The request's content, framed as RFC 9112 §6.3 says: chunked when Transfer-Encoding ends in
        chunked, else Content-Length bytes. Raises ValueError on broken chunked framing."""
        if self.headers.get("Transfer-Encoding", "").replace(" ", "").lower().endswith("chunked"):
            return self.read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def read_chunked(self):
        body = b""
        while size := int(self.rfile.readline(1024).split(b";")[0].strip(), 16):
            body += self.rfile.read(size)
            if self.rfile.readline(3) != b"\r\n":
                raise ValueError("a chunk without its CRLF")
        while self.rfile.readline(65536) not in (b"\r\n", b""):  # trailer fields
            pass
        return body

    def answer(self, status, headers, body):
        """A whole response with its Content-Length; HEAD gets the header only."""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve_http(handler, port, host="127.0.0.1"):
    """Serves handler (a Handler subclass) on host:port until killed; "::1" serves on IPv6."""
    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
    Server((host, port), handler).serve_forever()


def serve_raw(handle_connection, port):
    """Accepts on 127.0.0.1:port until killed; each connection gets its own thread."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(64)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=handle_connection, args=(conn,), daemon=True).start()


def read_fields(f):
    """Reads header lines up to the empty one from a binary file; {lowercase name: value}."""
    fields = {}
    while True:
        line = f.readline()
        if line in (b"\r\n", b""):
            return fields
        name, value = line.decode().split(":", 1)
        fields[name.strip().lower()] = value.strip()


class LineLog:
    """Appends text to a file, one writer at a time, so a test can read what a backend saw."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    def append(self, text):
        if self.path:
            with self.lock, open(self.path, "a") as f:
                f.write(text)
