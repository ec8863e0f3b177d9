"""The engine serves HTTPS as Caddy 2.6 does: certificates from the internal CA (kept in storage and
reused), loaded files, SNI, client authentication, protocol limits, HTTP->HTTPS redirects, and
proxying and WebSockets over TLS. Clients are real: curl, Python's ssl and `openssl s_client`."""
import base64
import json
import os
import socket
import ssl
import subprocess
import time
import unittest

import http.client

import harness
from harness import free_port, reverse_proxy, wait_until


def plain_get(port, path, host):
    """One plain-HTTP request that does not follow redirects: (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"Host": host})
        res = conn.getresponse()
        return res.status, dict(res.getheaders()), res.read()
    finally:
        conn.close()


def run(*argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, **kw)


class TlsCase(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.port = free_port()
        self.http_port = free_port()
        self.storage = os.path.join(self.tmp, "storage")

    def site(self, hosts, handle=None, server_extra=None, tls=None, top=None, http_extra=None, https_port=True):
        """A server on 127.0.0.1:port with one route per host (or one host-less route)."""
        handle = handle or [{"handler": "static_response", "body": "hello {http.request.host} over {http.request.scheme}"}]
        routes = [{"match": [{"host": hosts}], "handle": handle}] if hosts else [{"handle": handle}]
        server = {"listen": [f"127.0.0.1:{self.port}"], "routes": routes}
        server.update(server_extra or {})
        http_app = {"http_port": self.http_port, "servers": {"srv0": server}}
        if https_port:
            http_app["https_port"] = self.port
        http_app.update(http_extra or {})
        config = {"admin": {"disabled": True}, "storage": {"module": "file_system", "root": self.storage},
                  "apps": {"http": http_app}}
        if tls:
            config["apps"]["tls"] = tls
        config.update(top or {})
        return config

    def start(self, config, name="proxflow"):
        proc = self.start_proxflow(config, wait_port=self.port, name=name)
        return proc

    @property
    def root(self):
        return os.path.join(self.storage, "pki", "authorities", "local", "root.crt")

    def context(self, cafile=None, **kw):
        ctx = ssl.create_default_context(cafile=cafile or self.root)
        for k, v in kw.items():
            setattr(ctx, k, v)
        return ctx

    def handshake(self, server_name, ctx=None, port=None):
        """The peer certificate (dict) and TLS version of one handshake, or the exception raised."""
        ctx = ctx or self.context()
        with socket.create_connection(("127.0.0.1", port or self.port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname=server_name) as s:
                return s.getpeercert(), s.version(), s.getpeercert(binary_form=True)

    def get(self, server_name, path="/", ctx=None, headers=""):
        ctx = ctx or self.context()
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname=server_name) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: {server_name}\r\nConnection: close\r\n{headers}\r\n".encode())
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        return head.decode(), body.decode()

    def make_ca(self, name="Test CA"):
        d = os.path.join(self.tmp, name.replace(" ", "_"))
        os.makedirs(d)
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", f"/CN={name}", "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.pem", check=True)
        return d

    def make_leaf(self, ca_dir, name, sans, ext="serverAuth"):
        key, csr, pem = (os.path.join(ca_dir, f"{name}.{x}") for x in ("key", "csr", "pem"))
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", f"/CN={name}",
            "-keyout", key, "-out", csr, check=True)
        extfile = os.path.join(ca_dir, f"{name}.ext")
        with open(extfile, "w") as f:
            f.write(f"subjectAltName={sans}\nextendedKeyUsage={ext}\n")
        run("openssl", "x509", "-req", "-in", csr, "-CA", f"{ca_dir}/ca.pem", "-CAkey", f"{ca_dir}/ca.key",
            "-CAcreateserial", "-days", "1", "-extfile", extfile, "-out", pem, check=True)
        return pem, key


class InternalCertificates(TlsCase):
    def test_localhost_is_served_with_an_internal_leaf_that_verifies_against_the_stored_root(self):
        self.start(self.site(["localhost"]))
        res = run("curl", "-sS", "--cacert", self.root, "--resolve", f"localhost:{self.port}:127.0.0.1",
                  f"https://localhost:{self.port}/")
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(res.stdout, f"hello localhost over https")
        cert, version, _ = self.handshake("localhost")
        self.assertIn(("DNS", "localhost"), cert["subjectAltName"])
        issuer = dict(x[0] for x in cert["issuer"])
        self.assertEqual(issuer["commonName"], "Caddy Local Authority - ECC Intermediate")
        lifetime = ssl.cert_time_to_seconds(cert["notAfter"]) - ssl.cert_time_to_seconds(cert["notBefore"])
        self.assertAlmostEqual(lifetime, 12 * 3600 + 60, delta=5)  # 12 h, backdated a minute
        self.assertTrue(os.path.exists(os.path.join(self.storage, "certificates", "local", "localhost", "localhost.crt")))
        self.assertEqual(version, "TLSv1.3")

    def test_tls_placeholders_describe_the_connection(self):
        body = "{http.request.tls.version} {http.request.tls.server_name} {http.request.tls.proto} {http.request.tls.cipher_suite}"
        self.start(self.site(["localhost"], handle=[{"handler": "static_response", "body": body}]))
        ctx = self.context()
        ctx.set_alpn_protocols(["http/1.1"])
        self.assertEqual(self.get("localhost", ctx=ctx)[1].split(" ")[:3], ["tls1.3", "localhost", "http/1.1"])
        self.assertTrue(self.get("localhost")[1].split(" ")[3].startswith("TLS_"))

    def test_two_names_get_their_own_certificates_by_sni(self):
        self.start(self.site(["a.localhost", "b.localhost"]))
        for name in ("a.localhost", "b.localhost"):
            cert, _, _ = self.handshake(name)
            self.assertEqual(cert["subjectAltName"], (("DNS", name),))
            self.assertEqual(self.get(name)[1], f"hello {name} over https")

    def test_a_name_without_certificate_fails_the_handshake_and_the_next_good_one_works(self):
        self.start(self.site(["localhost"]))
        with self.assertRaises(ssl.SSLError) as caught:
            self.handshake("other.localhost")
        self.assertIn("UNRECOGNIZED_NAME", str(caught.exception).upper())
        self.assertEqual(self.get("localhost")[1], "hello localhost over https")

    def test_a_restart_reuses_the_stored_leaf(self):
        proc = self.start(self.site(["localhost"]))
        _, _, first = self.handshake("localhost")
        self.procs.stop(proc)
        self.start(self.site(["localhost"]), name="again")
        _, _, second = self.handshake("localhost")
        self.assertEqual(first, second)

    def test_the_policys_key_type_sets_the_internal_leafs_key(self):
        for key_type, algorithm in (("rsa2048", "rsaEncryption"), ("p384", "secp384r1"), ("ed25519", "ED25519")):
            with self.subTest(key_type=key_type):
                self.storage = os.path.join(self.tmp, f"storage-{key_type}")
                tls = {"automation": {"policies": [{"subjects": ["localhost"], "issuers": [{"module": "internal"}],
                                                    "key_type": key_type}]}}
                proc = self.start(self.site(["localhost"], tls=tls), name=f"proxflow-{key_type}")
                _, _, der = self.handshake("localhost")
                text = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-text"], input=der,
                                      capture_output=True, check=True).stdout.decode()
                self.assertIn(algorithm, text)
                self.procs.stop(proc)

    def test_a_short_lifetime_is_renewed_in_the_background(self):
        tls = {"automation": {"policies": [{"subjects": ["localhost"], "issuers": [{"module": "internal", "lifetime": "6s"}]}]}}
        self.start(self.site(["localhost"], tls=tls))
        _, _, first = self.handshake("localhost")
        # Renewal opens with a third of the lifetime left (about 4 s in).
        wait_until(lambda: self.handshake("localhost")[2] != first, timeout=12, interval=0.5, what="a renewed leaf")

    def test_garbage_and_plain_http_on_the_tls_port_do_not_break_it(self):
        self.start(self.site(["localhost"]))
        for junk in (b"\x16\x03\x01\x00\x05hello-not-tls" + os.urandom(200), b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
                     os.urandom(4096)):
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                s.sendall(junk)
                s.settimeout(5)
                try:
                    while s.recv(4096):
                        pass
                except (ConnectionResetError, socket.timeout):
                    pass
        self.assertEqual(self.get("localhost")[1], "hello localhost over https")

    def test_plain_http_on_the_tls_port_is_told_to_use_https(self):
        self.start(self.site(["localhost"]))
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            data = b""
            while chunk := s.recv(4096):
                data += chunk
        self.assertEqual(data, b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")

    def test_public_names_without_a_policy_get_caddys_default_acme_issuers(self):
        # Let's Encrypt cannot be reached here: the name is logged and retried while localhost serves.
        proc = self.start(self.site(["localhost", "example.com"]))
        self.assertEqual(self.get("localhost")[1], "hello localhost over https")
        wait_until(lambda: "acme-v02.api.letsencrypt.org-directory" in harness.log_of(proc), what="an ACME attempt")
        self.assertIn('"identifier":"example.com"', harness.log_of(proc))


class LoadedCertificates(TlsCase):
    def test_a_wildcard_certificate_from_load_files_serves_its_subdomains(self):
        ca = self.make_ca()
        pem, key = self.make_leaf(ca, "wild", "DNS:*.example.test")
        tls = {"certificates": {"load_files": [{"certificate": pem, "key": key, "tags": ["w"]}]}}
        self.start(self.site(["x.example.test", "y.example.test"], tls=tls))
        for name in ("x.example.test", "y.example.test"):
            res = run("curl", "-sS", "--cacert", f"{ca}/ca.pem", "--resolve", f"{name}:{self.port}:127.0.0.1",
                      f"https://{name}:{self.port}/")
            self.assertEqual(res.stdout, f"hello {name} over https", res.stderr)
        # One label only: a.b.example.test is not covered, and there is no managed certificate.
        with self.assertRaises(ssl.SSLError):
            self.handshake("a.b.example.test", self.context(f"{ca}/ca.pem"))
        self.assertFalse(os.path.exists(os.path.join(self.storage, "certificates")))

    def test_default_sni_serves_clients_without_sni(self):
        ca = self.make_ca()
        pem, key = self.make_leaf(ca, "site", "DNS:site.example.test")
        tls = {"certificates": {"load_files": [{"certificate": pem, "key": key}]}}
        self.start(self.site(None, tls=tls, server_extra={"tls_connection_policies": [{"default_sni": "site.example.test"}]}))
        res = run("openssl", "s_client", "-connect", f"127.0.0.1:{self.port}", "-noservername", "-CAfile", f"{ca}/ca.pem",
                  input="Q\n")
        self.assertIn("subject=CN = site", res.stdout)
        self.assertIn("Verify return code: 0 (ok)", res.stdout)


class ConnectionPolicies(TlsCase):
    def client_auth_site(self, mode, ca):
        with open(f"{ca}/ca.pem") as f:
            der = ssl.PEM_cert_to_DER_cert(f.read())
        policy = {"client_authentication": {"trusted_ca_certs": [base64.b64encode(der).decode()], "mode": mode}}
        return self.site(["localhost"], server_extra={"tls_connection_policies": [policy]})

    def test_client_auth_require_rejects_a_client_without_certificate(self):
        ca = self.make_ca("Client CA")
        self.start(self.client_auth_site("require", ca))
        with self.assertRaises((ssl.SSLError, ConnectionResetError)):
            self.get("localhost")

    def test_client_auth_request_accepts_a_client_without_certificate(self):
        ca = self.make_ca("Client CA")
        self.start(self.client_auth_site("request", ca))
        self.assertEqual(self.get("localhost")[1], "hello localhost over https")

    def test_client_auth_require_and_verify_takes_a_certificate_from_the_trusted_ca_only(self):
        ca = self.make_ca("Client CA")
        pem, key = self.make_leaf(ca, "client", "DNS:client.test", ext="clientAuth")
        other = self.make_ca("Other CA")
        bad_pem, bad_key = self.make_leaf(other, "intruder", "DNS:intruder.test", ext="clientAuth")
        self.start(self.client_auth_site("require_and_verify", ca))
        good = self.context()
        good.load_cert_chain(pem, key)
        self.assertEqual(self.get("localhost", ctx=good)[1], "hello localhost over https")
        bad = self.context()
        bad.load_cert_chain(bad_pem, bad_key)
        with self.assertRaises((ssl.SSLError, ConnectionResetError)):
            self.get("localhost", ctx=bad)

    def test_protocol_min_tls13_refuses_a_tls12_client(self):
        self.start(self.site(["localhost"], server_extra={"tls_connection_policies": [{"protocol_min": "tls1.3"}]}))
        old = self.context(maximum_version=ssl.TLSVersion.TLSv1_2)
        with self.assertRaises(ssl.SSLError):
            self.handshake("localhost", old)
        self.assertEqual(self.handshake("localhost")[1], "TLSv1.3")

    def test_first_matching_policy_wins_by_sni(self):
        policies = [{"match": {"sni": ["old.localhost"]}, "protocol_max": "tls1.2"}, {}]
        self.start(self.site(["old.localhost", "new.localhost"], server_extra={"tls_connection_policies": policies}))
        self.assertEqual(self.handshake("old.localhost")[1], "TLSv1.2")
        self.assertEqual(self.handshake("new.localhost")[1], "TLSv1.3")

    def test_alpn_offers_http11_only(self):
        self.start(self.site(["localhost"]))
        ctx = self.context()
        ctx.set_alpn_protocols(["h2", "http/1.1"])
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                self.assertEqual(s.selected_alpn_protocol(), "http/1.1")


class Redirects(TlsCase):
    def test_the_http_port_redirects_to_https_keeping_a_non_default_port(self):
        # https_port stays 443: the site's own port is not it, so the redirect names it.
        self.start(self.site(["localhost"], https_port=False))
        wait_until(lambda: harness.port_open(self.http_port), what="the redirect listener")
        status, headers, _ = plain_get(self.http_port, "/a/b?c=d", "localhost")
        self.assertEqual(status, 308)
        self.assertEqual(headers["Location"], f"https://localhost:{self.port}/a/b?c=d")
        self.assertEqual(headers["Connection"], "close")

    def test_a_redirect_to_the_https_port_leaves_the_port_out(self):
        self.start(self.site(["localhost"]))
        wait_until(lambda: harness.port_open(self.http_port), what="the redirect listener")
        status, headers, _ = plain_get(self.http_port, "/p", "localhost")
        self.assertEqual((status, headers["Location"]), (308, "https://localhost/p"))

    def test_disable_redirects_leaves_the_http_port_alone(self):
        self.start(self.site(["localhost"], server_extra={"automatic_https": {"disable_redirects": True}}))
        self.assertFalse(harness.port_open(self.http_port))
        self.assertEqual(self.get("localhost")[1], "hello localhost over https")

    def test_a_server_on_the_http_port_serves_its_own_routes_before_the_redirects(self):
        config = self.site(["localhost"], https_port=False)
        config["apps"]["http"]["servers"]["plain"] = {
            "listen": [f"127.0.0.1:{self.http_port}"],
            "routes": [{"match": [{"path": ["/own"]}], "handle": [{"handler": "static_response", "body": "own route"}]}]}
        self.start(config)
        status, _, body = plain_get(self.http_port, "/own", "localhost")
        self.assertEqual((status, body), (200, b"own route"))
        status, headers, _ = plain_get(self.http_port, "/x", "localhost")
        self.assertEqual((status, headers["Location"]), (308, f"https://localhost:{self.port}/x"))

    def test_automatic_https_disable_serves_plain_http(self):
        self.start(self.site(["localhost"], server_extra={"automatic_https": {"disable": True}}))
        status, _, body = plain_get(self.port, "/", "localhost")
        self.assertEqual((status, body), (200, b"hello localhost over http"))


class ProxyingOverTls(TlsCase):
    def test_reverse_proxy_through_https_sends_x_forwarded_proto_https(self):
        log = os.path.join(self.tmp, "seen.log")
        backend = self.start_backend("recording", log)
        self.start(self.site(["localhost"], handle=[reverse_proxy(backend.port)]))
        head, body = self.get("localhost", "/via-tls")
        self.assertIn("200", head.split("\r\n")[0])
        self.assertEqual(body, "seen GET /via-tls\n")
        with open(log) as f:
            seen = f.read()
        self.assertIn("X-Forwarded-Proto: https", seen)

    def test_a_websocket_passes_through_https(self):
        backend = self.start_backend("ws_echo")
        self.start(self.site(["localhost"], handle=[reverse_proxy(backend.port)]))
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as raw:
            with self.context().wrap_socket(raw, server_hostname="localhost") as s:
                key = base64.b64encode(os.urandom(16)).decode()
                s.sendall((f"GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
                head = b""
                while b"\r\n\r\n" not in head:
                    head += s.recv(1)
                self.assertTrue(head.startswith(b"HTTP/1.1 101"), head)
                payload = b"hello over tls"
                mask = os.urandom(4)
                s.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
                frame = b""
                while len(frame) < 2 + len(payload):
                    frame += s.recv(4096)
                self.assertEqual(frame[:2], bytes([0x81, len(payload)]))
                self.assertEqual(frame[2:2 + len(payload)], payload)


if __name__ == "__main__":
    unittest.main()
