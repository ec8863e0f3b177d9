"""A raw-socket backend for the encode tests: text bodies whose content a client can regenerate.

argv: PORT. HEAD gets the /length header without a body. The body of N bytes is the first N bytes of text_of() below.
  GET /chunked?n=N          a chunked text/plain body of N bytes in 64 KiB chunks
  GET /length?n=N[&type=T][&status=S][&encoding=E]   Content-Length N, Content-Type T
                            (default text/plain), that status, and Content-Encoding E when given
  GET /drip                 chunked text/plain: 2000 bytes, a 3 s pause, 2000 more bytes
"""
import sys
import time
import urllib.parse

from serving import serve_raw


def text_of(n):
    line = b"%08d the quick brown fox jumps over the lazy dog again and again\n"
    out = bytearray()
    i = 0
    while len(out) < n:
        out += line % i
        i += 1
    return bytes(out[:n])


def handle(conn):
    f = conn.makefile("rb")
    while True:
        request_line = f.readline()
        if not request_line:
            break
        while f.readline() not in (b"\r\n", b""):
            pass
        target = request_line.split()[1].decode()
        url = urllib.parse.urlparse(target)
        q = dict(urllib.parse.parse_qsl(url.query))
        n = int(q.get("n", "0"))
        if url.path == "/chunked":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
            body = text_of(n)
            for i in range(0, n, 65536):
                piece = body[i:i + 65536]
                conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            conn.sendall(b"0\r\n\r\n")
        elif url.path == "/drip":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
            body = text_of(4000)
            conn.sendall(b"%x\r\n%s\r\n" % (2000, body[:2000]))
            time.sleep(3)
            conn.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (2000, body[2000:]))
        else:
            status = q.get("status", "200")
            head = "HTTP/1.1 %s X\r\nContent-Type: %s\r\nContent-Length: %d\r\n" % (status, q.get("type", "text/plain"), n)
            if "encoding" in q:
                head += "Content-Encoding: %s\r\n" % q["encoding"]
            body = b"" if request_line.startswith(b"HEAD ") else text_of(n)
            conn.sendall(head.encode() + b"\r\n" + body)
    conn.close()


if __name__ == "__main__":  # test_encode imports text_of
    serve_raw(handle, int(sys.argv[1]))
