"""HTTP/1.1 over a raw socket, for tests that must send malformed bytes and see every byte that comes back."""
import re
import socket
import time

STATUS_LINE = re.compile(rb"HTTP/1\.[01] (\d{3}) ")


def exchange(port, data, timeout=3.0, quiet=None):
    """Sends data on a fresh connection and reads until the server closes, timeout passes, or (when quiet
    is given) quiet seconds pass without a byte once something came back. Returns (bytes received, True
    when the server closed the connection)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading early (a limit); what it answered is still in our buffer
        return read_until_close(s, timeout, quiet)
    finally:
        s.close()


def read_until_close(s, timeout, quiet=None):
    """Reads from s until the peer closes, timeout passes, or quiet seconds of silence after some data."""
    received = b""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        s.settimeout(max(0.05, min(left, quiet) if quiet and received else left))
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            if quiet and received:
                return received, False
            continue
        except ConnectionResetError:
            return received, True
        if not chunk:
            return received, True
        received += chunk
    return received, False


def statuses(data):
    return [int(code) for code in STATUS_LINE.findall(data)]
