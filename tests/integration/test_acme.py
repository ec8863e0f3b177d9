"""Certificates from an ACME CA (Debian's pebble, with real http-01 validation against the engine's
own HTTP listener): obtained, stored in certmagic's layout, reused after a restart, issuers tried in
order, external account binding, key types, and a CA that cannot be reached is logged and retried
while the engine keeps serving."""
import json
import os
import subprocess
import time
import unittest

import harness
from harness import free_port, http, port_open, wait_until
from pebble import Pebble


def read(path):
    with open(path) as f:
        return f.read()


def static(body):
    return {"handler": "static_response", "body": body}


def acme_issuer(pebble, **extra):
    issuer = {"module": "acme", "ca": pebble.directory, "email": "admin@test.example",
              "trusted_roots_pem_files": [pebble.ca_file]}
    issuer.update(extra)
    return issuer


def issuer_key(directory):
    """certmagic's issuer key: host:port and path, '/' and ':' as '-'."""
    rest = directory.split("://", 1)[1]
    host, _, path = rest.partition("/")
    return (host + ("-" + path.strip("/").replace("/", "-") if path.strip("/") else "")).replace(":", "-")


class AcmeCase(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.port = free_port()
        self.storage = os.path.join(self.tmp, "storage")

    def start_pebble(self, **options):
        pebble = Pebble(os.path.join(self.tmp, f"pebble-{len(self.procs.running)}-{time.monotonic_ns()}"),
                        http01_port=self.port, **options)
        self.addCleanup(pebble.stop)
        return pebble

    def config(self, names, issuers, **policy):
        return {"admin": {"disabled": True},
                "storage": {"module": "file_system", "root": self.storage},
                "apps": {"http": {"servers": {"srv0": {"listen": [f"127.0.0.1:{self.port}"],
                                                      "routes": [{"handle": [static("plain site")]}]}}},
                         "tls": {"certificates": {"automate": names},
                                 "automation": {"policies": [dict(issuers=issuers, **policy)]}}}}

    def cert_path(self, directory, name, ext="crt"):
        return os.path.join(self.storage, "certificates", issuer_key(directory), name, f"{name}.{ext}")

    def wait_for_cert(self, directory, name, proc, timeout=30):
        path = self.cert_path(directory, name)
        wait_until(lambda: os.path.exists(path), timeout=timeout,
                   what=f"{path} (log: {harness.log_of(proc)[-2000:]})")
        return path

    def assert_issued_by(self, pebble, path, name):
        chain = os.path.join(self.tmp, "chain.pem")
        with open(chain, "w") as f:
            f.write(pebble.intermediate())
        verify = subprocess.run(["openssl", "verify", "-CAfile", pebble.root, "-untrusted", chain, path],
                                capture_output=True, text=True)
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
        text = subprocess.run(["openssl", "x509", "-in", path, "-noout", "-ext", "subjectAltName"],
                              capture_output=True, text=True, check=True).stdout
        self.assertIn(f"DNS:{name}", text)


class ObtainWithHttp01(AcmeCase):
    def test_certificate_is_obtained_by_http01_on_the_engines_listener_and_stored(self):
        pebble = self.start_pebble()
        proc = self.start_proxflow(self.config(["a.test", "b.test"], [acme_issuer(pebble)]), wait_port=self.port)
        for name in ("a.test", "b.test"):
            path = self.wait_for_cert(pebble.directory, name, proc)
            self.assert_issued_by(pebble, path, name)
            meta = json.loads(read(self.cert_path(pebble.directory, name, "json")))
            self.assertEqual(meta["sans"], [name])
            self.assertEqual(os.stat(self.cert_path(pebble.directory, name, "key")).st_mode & 0o777, 0o600)
        # The account is kept per CA and email, its key private.
        users = os.path.join(self.storage, "acme", issuer_key(pebble.directory), "users", "admin@test.example")
        self.assertTrue(os.path.exists(os.path.join(users, "admin.json")))
        self.assertEqual(os.stat(os.path.join(users, "admin.key")).st_mode & 0o777, 0o600)
        # Pebble validated for real: it fetched the token from the engine, which answered before the route.
        pebble_log = read(os.path.join(pebble.dir, "pebble.log"))
        self.assertIn(f"http://a.test:{self.port}/.well-known/acme-challenge/", pebble_log)
        self.assertNotIn("Error", pebble_log.split("Attempting to validate")[-1][:500])
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/")[2], b"plain site")
        # A token nobody waits on is not answered by the challenge path: the route answers it.
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/.well-known/acme-challenge/nope",
                              headers={"Host": "a.test"})[2], b"plain site")

    def test_a_restart_reuses_the_stored_certificate_and_account(self):
        pebble = self.start_pebble()
        config = self.config(["a.test"], [acme_issuer(pebble)])
        proc = self.start_proxflow(config, wait_port=self.port)
        path = self.wait_for_cert(pebble.directory, "a.test", proc)
        wait_until(lambda: "certificate obtained successfully" in harness.log_of(proc), what="obtained log")
        before = read(path)
        self.procs.stop(proc)
        again = self.start_proxflow(config, wait_port=self.port, name="proxflow-again")
        time.sleep(1.5)  # the maintenance would have ordered by now (pebble issues in well under a second)
        self.assertNotIn("obtaining certificate", harness.log_of(again))
        self.assertEqual(read(path), before)

    def test_issuers_are_tried_in_order_until_one_succeeds(self):
        pebble = self.start_pebble()
        dead = f"https://127.0.0.1:{free_port()}/dir"
        first = acme_issuer(pebble, ca=dead)
        proc = self.start_proxflow(self.config(["a.test"], [first, acme_issuer(pebble)]), wait_port=self.port)
        path = self.wait_for_cert(pebble.directory, "a.test", proc)
        self.assert_issued_by(pebble, path, "a.test")
        log = harness.log_of(proc)
        self.assertIn("could not get certificate from issuer", log)
        self.assertIn(issuer_key(dead).replace("-dir", ""), log.replace(":", "-"))
        self.assertFalse(os.path.exists(self.cert_path(dead, "a.test")))

    def test_key_type_sets_the_certificate_key(self):
        pebble = self.start_pebble()
        proc = self.start_proxflow(self.config(["rsa.test"], [acme_issuer(pebble)], key_type="rsa2048"),
                                   wait_port=self.port)
        path = self.wait_for_cert(pebble.directory, "rsa.test", proc)
        text = subprocess.run(["openssl", "x509", "-in", path, "-noout", "-text"], capture_output=True, text=True).stdout
        self.assertIn("Public-Key: (2048 bit)", text)
        self.assertIn("rsaEncryption", text)


    def test_bad_nonces_are_retried(self):
        # Pebble rejects a third of the nonces here: every signed request must survive that.
        pebble = self.start_pebble(nonce_reject=30)
        proc = self.start_proxflow(self.config(["a.test"], [acme_issuer(pebble)]), wait_port=self.port)
        self.assert_issued_by(pebble, self.wait_for_cert(pebble.directory, "a.test", proc), "a.test")
        self.assertNotIn("will retry", harness.log_of(proc))

    def test_after_a_failure_the_test_ca_is_tried_first(self):
        pebble = self.start_pebble()
        dead = f"https://127.0.0.1:{free_port()}/dir"
        issuer = acme_issuer(pebble, ca=dead, test_ca=pebble.directory)
        proc = self.start_proxflow(self.config(["a.test"], [issuer]), wait_port=self.port)
        wait_until(lambda: harness.log_of(proc).count("will retry") >= 2, timeout=20, what="two attempts")
        # The first attempt went to the main CA only; the second ordered from the test CA first
        # (its account was made there), and a certificate from the test CA is never kept.
        users = os.path.join(self.storage, "acme", issuer_key(pebble.directory), "users", "admin@test.example")
        self.assertTrue(os.path.exists(os.path.join(users, "admin.json")))
        self.assertFalse(os.path.exists(self.cert_path(pebble.directory, "a.test")))
        self.assertFalse(os.path.exists(self.cert_path(dead, "a.test")))


class ExternalAccountBinding(AcmeCase):
    MAC = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"

    def test_a_ca_that_requires_eab_refuses_an_account_without_it(self):
        pebble = self.start_pebble(eab_keys={"kid-1": self.MAC})
        proc = self.start_proxflow(self.config(["a.test"], [acme_issuer(pebble)]), wait_port=self.port)
        wait_until(lambda: "will retry" in harness.log_of(proc), what="retry log")
        self.assertIn("requires an external account binding", harness.log_of(proc))
        self.assertFalse(os.path.exists(self.cert_path(pebble.directory, "a.test")))

    def test_acme_issuer_with_eab_gets_a_certificate(self):
        pebble = self.start_pebble(eab_keys={"kid-1": self.MAC})
        issuer = acme_issuer(pebble, external_account={"key_id": "kid-1", "mac_key": self.MAC})
        proc = self.start_proxflow(self.config(["a.test"], [issuer]), wait_port=self.port)
        self.assert_issued_by(pebble, self.wait_for_cert(pebble.directory, "a.test", proc), "a.test")

    def test_a_wrong_mac_key_is_refused_by_the_ca(self):
        pebble = self.start_pebble(eab_keys={"kid-1": self.MAC})
        issuer = acme_issuer(pebble, external_account={"key_id": "kid-1", "mac_key": "d3Jvbmcta2V5LXdyb25nLWtleQ"})
        proc = self.start_proxflow(self.config(["a.test"], [issuer]), wait_port=self.port)
        wait_until(lambda: "will retry" in harness.log_of(proc), what="retry log")
        self.assertIn("urn:ietf:params:acme:error:unauthorized", harness.log_of(proc))

    def test_zerossl_issuer_speaks_acme_with_its_eab_credentials(self):
        # No network here: ZeroSSL's credentials endpoint cannot be reached, so the credentials
        # are given (as Caddy allows) and pebble stands in for ZeroSSL's directory.
        pebble = self.start_pebble(eab_keys={"kid-z": self.MAC})
        issuer = acme_issuer(pebble, module="zerossl", external_account={"key_id": "kid-z", "mac_key": self.MAC})
        proc = self.start_proxflow(self.config(["z.test"], [issuer]), wait_port=self.port)
        self.assert_issued_by(pebble, self.wait_for_cert(pebble.directory, "z.test", proc), "z.test")


class ServedOverHttps(AcmeCase):
    """TLS serving with ACME certificates: automatic HTTPS, and on-demand issuance at the handshake."""

    def setUp(self):
        super().setUp()
        self.https_port = free_port()

    def https_config(self, issuers, hosts=None, tls_extra=None, policy_extra=None):
        routes = [{"handle": [static("secure {http.request.host}")]}]
        if hosts:
            routes[0]["match"] = [{"host": hosts}]
        server = {"listen": [f"127.0.0.1:{self.https_port}"], "routes": routes}
        if not hosts:
            server["tls_connection_policies"] = [{}]
        policy = {"issuers": issuers}
        policy.update(policy_extra or {})
        tls = {"automation": {"policies": [policy]}}
        tls.update(tls_extra or {})
        return {"admin": {"disabled": True}, "storage": {"module": "file_system", "root": self.storage},
                "apps": {"http": {"http_port": self.port, "https_port": self.https_port, "servers": {"srv0": server}},
                         "tls": tls}}

    def curl(self, pebble, name, timeout=30):
        return subprocess.run(["curl", "-sS", "--max-time", str(timeout), "--cacert", pebble.root,
                               "--resolve", f"{name}:{self.https_port}:127.0.0.1", f"https://{name}:{self.https_port}/"],
                              capture_output=True, text=True)

    def test_automatic_https_obtains_from_the_ca_and_serves_the_certificate(self):
        pebble = self.start_pebble()
        # The redirect server automatic HTTPS puts on http_port answers pebble's http-01 requests.
        proc = self.start_proxflow(self.https_config([acme_issuer(pebble)], hosts=["a.test"]), wait_port=self.https_port)
        self.wait_for_cert(pebble.directory, "a.test", proc)
        wait_until(lambda: self.curl(pebble, "a.test").stdout == "secure a.test", timeout=10,
                   what=f"https with the ACME certificate ({self.curl(pebble, 'a.test').stderr})")

    def test_on_demand_handshake_waits_for_a_valid_certificate_and_ask_403_gets_none(self):
        pebble = self.start_pebble()
        ask = self.start_backend("ask", "new.test", "other.test")
        tls_extra = {"automation": {"policies": [{"issuers": [acme_issuer(pebble)], "on_demand": True}],
                                    "on_demand": {"ask": f"http://127.0.0.1:{ask.port}/check"}}}
        # http_port's own server answers pebble's http-01 requests (no automatic redirects server without hosts).
        config = self.https_config([acme_issuer(pebble)], tls_extra=tls_extra)
        config["apps"]["http"]["servers"]["plain"] = {"listen": [f"127.0.0.1:{self.port}"],
                                                      "routes": [{"handle": [static("plain")]}]}
        proc = self.start_proxflow(config, wait_port=self.https_port)
        # Nothing was ordered at start: on-demand names wait for their first handshake.
        self.assertFalse(os.path.exists(self.cert_path(pebble.directory, "new.test")))
        started = time.monotonic()
        res = self.curl(pebble, "new.test")
        self.assertEqual(res.stdout, "secure new.test", res.stderr + harness.log_of(proc)[-2000:])
        self.assertLess(time.monotonic() - started, 30)
        self.assertTrue(os.path.exists(self.cert_path(pebble.directory, "new.test")))
        self.assertIn("ASK new.test", harness.log_of(ask))
        # Several handshakes for another new name at once share one order.
        import concurrent.futures
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            outs = list(pool.map(lambda _: self.curl(pebble, "other.test").stdout, range(4)))
        self.assertEqual(outs, ["secure other.test"] * 4)
        log = harness.log_of(proc)
        self.assertEqual(log.count('"msg":"obtaining certificate"'), 2, log)
        # The ask endpoint answers 403: no certificate, the handshake fails, nothing is ordered.
        denied = self.curl(pebble, "denied.test", timeout=10)
        self.assertNotEqual(denied.returncode, 0)
        self.assertEqual(denied.stdout, "")
        self.assertIn("ASK denied.test", harness.log_of(ask))
        self.assertFalse(os.path.exists(self.cert_path(pebble.directory, "denied.test")))
        self.assertEqual(harness.log_of(proc).count('"msg":"obtaining certificate"'), 2)
        self.assertEqual(self.curl(pebble, "new.test").stdout, "secure new.test")

    def test_a_get_certificate_manager_supplies_the_certificate_at_the_handshake(self):
        cert, key = os.path.join(self.tmp, "m.pem"), os.path.join(self.tmp, "m.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-days", "2", "-subj", "/CN=managed.test", "-addext", "subjectAltName=DNS:managed.test",
                        "-keyout", key, "-out", cert], capture_output=True, check=True)
        manager = self.start_backend("cert_manager", cert, key, "managed.test")
        config = self.https_config([], policy_extra={"get_certificate": [{"via": "http", "url": f"http://127.0.0.1:{manager.port}/"}]})
        del config["apps"]["tls"]["automation"]["policies"][0]["issuers"]
        self.start_proxflow(config, wait_port=self.https_port)
        res = subprocess.run(["curl", "-sS", "--max-time", "10", "--cacert", cert, "--resolve",
                              f"managed.test:{self.https_port}:127.0.0.1", f"https://managed.test:{self.https_port}/"],
                             capture_output=True, text=True)
        self.assertEqual(res.stdout, "secure managed.test", res.stderr)
        self.assertIn("GET managed.test", harness.log_of(manager))
        # The manager has none for another name (204): no certificate, and no ACME order either.
        other = subprocess.run(["curl", "-sS", "--max-time", "10", "-k", "--resolve",
                                f"other.test:{self.https_port}:127.0.0.1", f"https://other.test:{self.https_port}/"],
                               capture_output=True, text=True)
        self.assertNotEqual(other.returncode, 0)
        self.assertIn("GET other.test", harness.log_of(manager))

    def test_tls_alpn_01_is_answered_by_the_tls_listener(self):
        pebble = Pebble(os.path.join(self.tmp, "pebble-alpn"), http01_port=free_port(), tlsalpn01_port=self.https_port)
        self.addCleanup(pebble.stop)
        issuer = acme_issuer(pebble, challenges={"http": {"disabled": True}})
        proc = self.start_proxflow(self.https_config([issuer], hosts=["alpn.test"]), wait_port=self.https_port)
        self.wait_for_cert(pebble.directory, "alpn.test", proc)
        # http-01 is disabled and nothing listens on pebble's http-01 port: the authorization turned valid
        # through the acme-tls/1 handshake with the TLS listener.
        self.assertIn("set VALID by completed challenge", read(os.path.join(pebble.dir, "pebble.log")))
        wait_until(lambda: self.curl(pebble, "alpn.test").stdout == "secure alpn.test", timeout=10, what="https")


class AlternatePorts(AcmeCase):
    """`challenges.*.alternate_port`: the engine answers the challenge on a listener of its own there
    while an order runs, and leaves a port one of the config's servers listens on to that server."""

    def issuer(self, pebble, **challenges):
        return acme_issuer(pebble, challenges={"bind_host": "127.0.0.1", **challenges})

    def test_http01_is_answered_on_the_alternate_port_while_the_order_runs(self):
        alternate = free_port()
        pebble = Pebble(os.path.join(self.tmp, "pebble-alt-http"), http01_port=alternate)
        self.addCleanup(pebble.stop)
        issuer = self.issuer(pebble, http={"alternate_port": alternate}, **{"tls-alpn": {"disabled": True}})
        proc = self.start_proxflow(self.config(["alt.test"], [issuer]), wait_port=self.port)
        path = self.wait_for_cert(pebble.directory, "alt.test", proc)
        self.assert_issued_by(pebble, path, "alt.test")
        self.assertIn(f"http://alt.test:{alternate}/.well-known/acme-challenge/", read(os.path.join(pebble.dir, "pebble.log")))
        # The listener lives as long as the order.
        wait_until(lambda: not port_open(alternate), what=f"the challenge listener on {alternate} closed")

    def test_tls_alpn01_is_answered_on_the_alternate_port_while_the_order_runs(self):
        alternate = free_port()
        pebble = Pebble(os.path.join(self.tmp, "pebble-alt-alpn"), http01_port=free_port(), tlsalpn01_port=alternate)
        self.addCleanup(pebble.stop)
        issuer = self.issuer(pebble, http={"disabled": True}, **{"tls-alpn": {"alternate_port": alternate}})
        proc = self.start_proxflow(self.config(["alpn-alt.test"], [issuer]), wait_port=self.port)
        path = self.wait_for_cert(pebble.directory, "alpn-alt.test", proc)
        self.assert_issued_by(pebble, path, "alpn-alt.test")
        # Nothing else could have answered: no TLS listener in the config, http-01 disabled.
        self.assertIn("set VALID by completed challenge", read(os.path.join(pebble.dir, "pebble.log")))
        wait_until(lambda: not port_open(alternate), what=f"the challenge listener on {alternate} closed")

    def test_an_alternate_port_a_server_listens_on_is_left_to_that_server(self):
        pebble = self.start_pebble()  # validates on self.port, the server's own listener
        issuer = self.issuer(pebble, http={"alternate_port": self.port})
        proc = self.start_proxflow(self.config(["same.test"], [issuer]), wait_port=self.port)
        self.wait_for_cert(pebble.directory, "same.test", proc)
        self.assertIn("challenge port in use", harness.log_of(proc))


class UnreachableCa(AcmeCase):
    def test_an_unreachable_ca_is_logged_and_retried_while_sites_keep_serving(self):
        dead = f"https://127.0.0.1:{free_port()}/dir"
        proc = self.start_proxflow(self.config(["a.test"], [{"module": "acme", "ca": dead}]), wait_port=self.port)
        wait_until(lambda: harness.log_of(proc).count("will retry") >= 2, timeout=20, what="two retries")
        log = [json.loads(line) for line in harness.log_of(proc).splitlines() if line.startswith("{")]
        retries = [l for l in log if l["msg"] == "will retry"]
        self.assertEqual([r["attempt"] for r in retries[:2]], [1, 2])
        self.assertLess(retries[0]["retrying_in"], retries[1]["retrying_in"])
        self.assertTrue(any("Connection refused" in l.get("error", "") for l in log), log)
        for _ in range(3):
            self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/")[0:3:2], (200, b"plain site"))
        self.assertIsNone(proc.poll())


if __name__ == "__main__":
    unittest.main()
