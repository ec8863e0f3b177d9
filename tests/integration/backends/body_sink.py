"""A raw-socket backend that reads a request body (Content-Length or chunked) without keeping it,
and answers with the number of body bytes it read. GET /upload/chunked answers a chunked body.

argv: PORT
"""
import sys

from serving import read_fields, serve_raw


def read_request(f):
    line = f.readline()
    if not line:
        return None, None
    return line.decode(), read_fields(f)


def handle(conn):
    f = conn.makefile("rb")
    while True:
        request_line, headers = read_request(f)
        if request_line is None:
            break
        total = 0
        if "content-length" in headers:
            left = int(headers["content-length"])
            while left:
                d = f.read(min(left, 1 << 16))
                if not d:
                    return
                left -= len(d)
                total += len(d)
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int(f.readline().split(b";")[0], 16)
                if size == 0:
                    while f.readline() not in (b"\r\n", b""):
                        pass
                    break
                left = size
                while left:
                    d = f.read(min(left, 1 << 16))
                    left -= len(d)
                    total += len(d)
                f.readline()
        if request_line.startswith("GET /upload/chunked"):
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                         b"7\r\nchunk-1\r\n7\r\nchunk-2\r\n0\r\n\r\n")
        else:
            body = str(total).encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    conn.close()


serve_raw(handle, int(sys.argv[1]))
