"""The encode handler: Accept-Encoding negotiation, gzip and zstd bodies a real decoder reads back,
minimum_length, response matchers, no double encoding, and streaming with flat memory."""
import hashlib
import http.client
import os
import socket
import subprocess
import sys
import time
import unittest
import zlib

import harness
from harness import free_port, peak_rss_kib, proxy_config, reverse_proxy

sys.path.insert(0, harness.BACKENDS)
from compressible import text_of  # noqa: E402  the backend's own body generator

STATIC_BODY = text_of(5000).decode()


def encode(**options):
    handler = {"handler": "encode", "encodings": {"gzip": {}, "zstd": {}}, "prefer": ["gzip", "zstd"]}
    handler.update(options)
    return handler


def zstd_decode(data):
    r = subprocess.run(["zstd", "-d", "-c", "-q"], input=data, capture_output=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError("zstd -d failed: " + r.stderr.decode())
    return r.stdout


def decode(encoding, data):
    if encoding == "gzip":
        return zlib.decompress(data, 16 + zlib.MAX_WBITS)
    if encoding == "zstd":
        return zstd_decode(data)
    return data


class Encode(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.backend = self.start_backend("compressible")
        self.port = free_port()
        static = {"handler": "static_response", "body": STATIC_BODY}
        self.proxy = self.start_proxflow(proxy_config(self.port, [], routes=[
            {"match": [{"path": ["/static"]}], "handle": [encode(), static]},
            {"match": [{"path": ["/tiny"]}], "handle": [encode(), {"handler": "static_response", "body": "x" * 512}]},
            {"match": [{"path": ["/min/*"]}], "handle": [
                {"handler": "rewrite", "strip_path_prefix": "/min"}, encode(minimum_length=1000), reverse_proxy(self.backend.port)]},
            {"match": [{"path": ["/matched/*"]}], "handle": [
                {"handler": "rewrite", "strip_path_prefix": "/matched"},
                encode(match={"status_code": [2], "headers": {"Content-Type": ["text/*"]}}), reverse_proxy(self.backend.port)]},
            {"handle": [encode(), reverse_proxy(self.backend.port)]}]), wait_port=self.port)

    def get(self, path, accept=None, method="GET"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {} if accept is None else {"Accept-Encoding": accept}
        conn.request(method, path, headers=headers)
        res = conn.getresponse()
        body = res.read()
        conn.close()
        return res, body

    def assert_encoded(self, path, accept, encoding, expected):
        res, body = self.get(path, accept)
        self.assertEqual(res.status, 200)
        self.assertEqual(res.getheader("Content-Encoding"), encoding, f"{path} with Accept-Encoding: {accept}")
        self.assertIn("Accept-Encoding", res.getheader("Vary", ""))
        self.assertIsNone(res.getheader("Content-Length"))
        self.assertEqual(decode(encoding, body), expected)
        self.assertLess(len(body), len(expected) / 3)

    def assert_identity(self, path, accept, expected):
        res, body = self.get(path, accept)
        self.assertIsNone(res.getheader("Content-Encoding"), f"{path} with Accept-Encoding: {accept}")
        self.assertEqual(body, expected)
        return res

    def test_curl_compressed_reads_a_static_response_back(self):
        r = subprocess.run(["curl", "-sS", "--compressed", "-D", "-", "-o", os.path.join(self.tmp, "out"),
                            f"http://127.0.0.1:{self.port}/static"], capture_output=True, text=True, timeout=30)
        self.assertRegex(r.stdout.lower(), r"content-encoding: (gzip|zstd)")
        with open(os.path.join(self.tmp, "out")) as f:
            self.assertEqual(f.read(), STATIC_BODY)

    def test_negotiation_follows_q_values_then_prefer(self):
        expected = STATIC_BODY.encode()
        self.assert_encoded("/static", "gzip", "gzip", expected)
        self.assert_encoded("/static", "zstd", "zstd", expected)
        self.assert_encoded("/static", "zstd, gzip", "gzip", expected)            # equal q: the server's prefer order
        self.assert_encoded("/static", "gzip;q=0.5, zstd", "zstd", expected)      # higher q wins
        self.assert_encoded("/static", "gzip;q=0, zstd;q=0.1", "zstd", expected)  # q=0 is refusal
        self.assert_encoded("/static", "br, deflate, zstd", "zstd", expected)     # unsupported ones are skipped
        self.assert_encoded("/static", "*", "gzip", expected)
        self.assert_encoded("/static", "gzip;q=0, *", "zstd", expected)
        self.assert_encoded("/static", "GZIP ; Q=1", "gzip", expected)

    def test_identity_unsupported_and_refused_encodings_get_the_plain_body(self):
        expected = STATIC_BODY.encode()
        for accept in (None, "identity", "br", "gzip;q=0, zstd;q=0", "*;q=0"):
            res = self.assert_identity("/static", accept, expected)
            self.assertEqual(res.getheader("Content-Length"), str(len(expected)))

    def test_a_websocket_handshake_is_not_encoded(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", "/static", headers={"Accept-Encoding": "gzip", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
        res = conn.getresponse()
        self.assertIsNone(res.getheader("Content-Encoding"))
        self.assertEqual(res.read(), STATIC_BODY.encode())

    def test_minimum_length_leaves_short_bodies_alone(self):
        self.assert_identity("/tiny", "gzip", b"x" * 512)                          # default 512: not above it
        self.assert_identity("/min/length?n=1000", "gzip", text_of(1000))
        self.assert_encoded("/min/length?n=1001", "gzip", "gzip", text_of(1001))
        # Unknown length (chunked upstream): the body is held back until it passes the minimum or ends.
        self.assert_identity("/min/chunked?n=900", "gzip", text_of(900))
        self.assert_encoded("/min/chunked?n=5000", "zstd", "zstd", text_of(5000))

    def test_only_responses_the_matcher_accepts_are_encoded(self):
        self.assert_encoded("/matched/length?n=4000", "gzip", "gzip", text_of(4000))
        res, body = self.get("/matched/length?n=4000&status=404", "gzip")
        self.assertEqual((res.status, res.getheader("Content-Encoding"), body), (404, None, text_of(4000)))
        self.assert_identity("/matched/length?n=4000&type=application/json", "gzip", text_of(4000))
        # The default match: text-like types only.
        self.assert_encoded("/length?n=4000&type=application/json", "gzip", "gzip", text_of(4000))
        self.assert_encoded("/length?n=4000&type=image/svg%2Bxml", "gzip", "gzip", text_of(4000))
        self.assert_identity("/length?n=4000&type=image/png", "gzip", text_of(4000))
        res, body = self.get("/length?n=4000&status=404", "gzip")
        self.assertEqual((res.status, res.getheader("Content-Encoding")), (404, "gzip"))

    def test_an_already_encoded_response_is_not_encoded_twice(self):
        res, body = self.get("/length?n=4000&encoding=br", "gzip, br")
        self.assertEqual(res.getheader("Content-Encoding"), "br")
        self.assertEqual(res.getheader("Content-Length"), "4000")
        self.assertEqual(body, text_of(4000))

    def test_head_and_bodiless_statuses_are_untouched(self):
        res, body = self.get("/length?n=4000", "gzip", method="HEAD")
        self.assertEqual((res.status, res.getheader("Content-Encoding"), res.getheader("Content-Length"), body),
                         (200, None, "4000", b""))
        res, body = self.get("/static", "gzip", method="HEAD")
        self.assertIsNone(res.getheader("Content-Encoding"))

    def test_encoded_responses_keep_the_connection_usable(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        for path, n in (("/length?n=3000", 3000), ("/chunked?n=70000", 70000), ("/static", None)):
            conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
            res = conn.getresponse()
            self.assertEqual(res.getheader("Transfer-Encoding"), "chunked")
            expected = STATIC_BODY.encode() if n is None else text_of(n)
            self.assertEqual(decode("gzip", res.read()), expected)
        conn.close()

    def test_an_http_1_0_client_gets_the_encoded_body_until_close(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        s.sendall(b"GET /length?n=3000 HTTP/1.0\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        s.close()
        head, body = data.split(b"\r\n\r\n", 1)
        self.assertIn(b"Content-Encoding: gzip", head)
        self.assertNotIn(b"Transfer-Encoding", head)
        self.assertEqual(decode("gzip", body), text_of(3000))

    def test_a_slow_stream_is_flushed_as_it_arrives(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        started = time.monotonic()
        conn.request("GET", "/drip", headers={"Accept-Encoding": "gzip"})
        res = conn.getresponse()
        self.assertEqual(res.getheader("Content-Encoding"), "gzip")
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        got = b""
        while len(got) < 2000:
            got += d.decompress(res.read1(65536))
        self.assertLess(time.monotonic() - started, 2.5, "the first 2000 bytes waited for the backend's pause")
        self.assertEqual(got, text_of(2000))
        rest = res.read()
        self.assertEqual(got + d.decompress(rest) + d.flush(), text_of(4000))


class EncodeLargeStreams(harness.ProxyTestCase):
    """A 192 MiB chunked upstream body, compressed on the way, decoded by gzip and zstd: memory stays flat."""
    SIZE = 192 << 20

    def test_large_chunked_bodies_stream_through_gzip_and_zstd_with_flat_memory(self):
        backend = self.start_backend("compressible")
        port = free_port()
        proxy = self.start_proxflow(proxy_config(port, [encode(), reverse_proxy(backend.port)]), wait_port=port)
        expected = hashlib.sha256(text_of(self.SIZE)).hexdigest()
        for encoding, decoder in (("gzip", "gzip -dc"), ("zstd", "zstd -dcq")):
            with self.subTest(encoding=encoding):
                r = subprocess.run(f"curl -sS --max-time 120 -H 'Accept-Encoding: {encoding}' "
                                   f"'http://127.0.0.1:{port}/chunked?n={self.SIZE}' | {decoder} | sha256sum",
                                   shell=True, capture_output=True, text=True, timeout=180)
                self.assertEqual(r.stdout.split()[0] if r.stdout else "", expected, r.stderr)
        self.assertLess(peak_rss_kib(proxy.pid), 60 * 1024)


if __name__ == "__main__":
    unittest.main()
