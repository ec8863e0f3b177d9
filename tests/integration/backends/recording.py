"""A backend that appends every request line it receives to a file, for tests that must prove what
an upstream did or did not see (request smuggling).

argv: PORT LOGFILE. Every request is answered 200 "seen METHOD PATH" unless its path is:
  /truncate      a 200 header promising 100000 bytes, 10 bytes of body, then the connection closes;
  /truncate-chunked  a chunked 200 with one chunk, then the connection closes without the last chunk.
Request headers are logged too, one "  Name: value" line each, so folded headers can be checked.
"""
import http.server
import sys
import threading

PORT = int(sys.argv[1])
LOG = sys.argv[2]
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        with lock, open(LOG, "a") as f:
            f.write(f"{self.command} {self.path}\n")
            for k, v in self.headers.items():
                f.write(f"  {k}: {v}\n")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.path == "/truncate":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nContent-Type: text/plain\r\n\r\n0123456789")
            self.wfile.flush()
            self.close_connection = True
            return
        if self.path == "/truncate-chunked":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n")
            self.wfile.flush()
            self.close_connection = True
            return
        body = f"seen {self.command} {self.path}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
