"""Bodies stream through with flat memory, chunked framing, 100-continue, and WebSocket tunnels."""
import asyncio
import os
import socket
import subprocess
import sys
import unittest

import harness
from harness import free_port, peak_rss_kib, proxy_config, reverse_proxy, wait_until

GIB = 1 << 30
SINK = os.path.join(harness.BACKENDS, "body_sink.py")


class Streaming(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.nginx = self.start_nginx()
        # a sparse 1 GiB file nginx serves from disk without it taking real space
        self.big = os.path.join(self.nginx.www, "big1g")
        with open(self.big, "wb") as f:
            f.truncate(GIB)
        self.sink = self.start_backend("body_sink")
        self.port = free_port()
        self.proxy = self.start_proxflow(proxy_config(self.port, [], routes=[
            {"match": [{"path": ["/upload*"]}], "handle": [reverse_proxy(self.sink.port)]},
            {"handle": [reverse_proxy(self.nginx.port)]}]), wait_port=self.port)

    def curl(self, *args):
        return subprocess.run(["curl", "-sS", "--max-time", "120", *args], capture_output=True, text=True)

    def test_a_1_gib_download_streams_with_flat_memory(self):
        r = self.curl("-o", "/dev/null", "-w", "%{http_code} %{size_download}", f"http://127.0.0.1:{self.port}/big1g")
        self.assertEqual(r.stdout, f"200 {GIB}", r.stderr)
        self.assertLess(peak_rss_kib(self.proxy.pid), 100 * 1024)

    def test_a_1_gib_upload_streams_with_flat_memory_through_100_continue(self):
        r = self.curl("-v", "-T", self.big, f"http://127.0.0.1:{self.port}/upload")
        self.assertEqual(r.stdout, str(GIB), r.stderr[-500:])
        self.assertIn("HTTP/1.1 100 Continue", r.stderr)
        self.assertLess(peak_rss_kib(self.proxy.pid), 100 * 1024)

    def test_a_chunked_upload_arrives_whole(self):
        size = 64 << 20
        r = subprocess.run(f"head -c {size} /dev/zero | curl -sS --max-time 60 -T - http://127.0.0.1:{self.port}/upload",
                           shell=True, capture_output=True, text=True)
        self.assertEqual(r.stdout, str(size), r.stderr)

    def test_a_chunked_response_is_relayed_chunked(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        s.sendall(b"GET /upload/chunked HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
        head, _, body = data.partition(b"\r\n\r\n")
        self.assertIn(b"transfer-encoding: chunked", head.lower())
        self.assertTrue(body.endswith(b"0\r\n\r\n"))
        self.assertIn(b"chunk-2", body)


class WebSocket(harness.ProxyTestCase):
    def test_websocket_echo_passes_through(self):
        backend = self.start_backend("ws_echo")
        port = free_port()
        self.start_proxflow(proxy_config(port, [reverse_proxy(backend.port)]), wait_port=port)
        import websockets

        async def talk():
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws") as ws:
                replies = []
                for message in ["hello", b"\x00\x01binary", "x" * 100000]:
                    await ws.send(message)
                    replies.append(await ws.recv())
                return replies

        self.assertEqual(asyncio.run(asyncio.wait_for(talk(), 20)), ["hello", b"\x00\x01binary", "x" * 100000])


if __name__ == "__main__":
    unittest.main()
