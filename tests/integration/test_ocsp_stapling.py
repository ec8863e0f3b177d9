"""OCSP stapling as Caddy (certmagic) does it, against a real OCSP responder: a test CA made with the
openssl CLI (../shared/peers/mini-ca) whose leaf names the responder in its authorityInfoAccess,
loaded with load_files, and `openssl s_client -status` reading the staple. The responder is
mini-ca's python3-cryptography one: `openssl ocsp` binds every interface (tests bind only to
loopback) and stops answering after a connection closed without a request."""
import os
import re
import signal
import subprocess
import time
import unittest

import harness
from harness import free_port, wait_until

SHARED = os.environ.get("PROXFLOW_SHARED") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared")


def run(*argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, **kw)


class OcspCase(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.port = free_port()
        self.storage = os.path.join(self.tmp, "storage")
        self.ca = os.path.join(self.tmp, "ca")
        env = dict(os.environ, OCSP_RESPONDER="python")
        out = run(os.path.join(SHARED, "peers", "mini-ca"), self.ca, env=env, check=True).stdout
        found = dict(kv.split("=") for kv in out.split())
        self.responder_pid = int(found["OCSP_PID"])
        self.addCleanup(self.stop_responder)

    def stop_responder(self):
        try:
            os.kill(self.responder_pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

    def responder_requests(self):
        """Requests the responder answered, but for mini-ca's own readiness check."""
        with open(os.path.join(self.ca, "ocsp.log")) as f:
            return [line for line in f if "serial=" in line][1:]

    def config(self, tls=None):
        tls = dict(tls or {})
        # chain.pem: the leaf, then its issuer (which the stapler needs to ask about the leaf).
        tls["certificates"] = {"load_files": [{"certificate": os.path.join(self.ca, "chain.pem"),
                                               "key": os.path.join(self.ca, "leaf.key")}]}
        return {"admin": {"disabled": True}, "storage": {"module": "file_system", "root": self.storage},
                "apps": {"http": {"https_port": self.port, "http_port": free_port(), "servers": {"srv0": {
                    "listen": [f"127.0.0.1:{self.port}"], "tls_connection_policies": [{}],
                    "routes": [{"handle": [{"handler": "static_response", "body": "stapled"}]}]}}},
                         "tls": tls}}

    def staple(self):
        """What `openssl s_client -status` says of the stapled response: good, revoked, or None."""
        res = run("openssl", "s_client", "-connect", f"127.0.0.1:{self.port}", "-servername", "localhost",
                  "-status", "-CAfile", os.path.join(self.ca, "ca.pem"), input="")
        if "OCSP response: no response sent" in res.stdout:
            return None
        m = re.search(r"Cert Status: (\w+)", res.stdout)
        self.assertIsNotNone(m, res.stdout + res.stderr)
        self.assertIn("OCSP Response Status: successful", res.stdout)
        return m.group(1)

    def revoke(self):
        run("openssl", "ca", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-revoke", "leaf.pem",
            cwd=self.ca, check=True)


class Stapling(OcspCase):
    def test_a_good_staple_arrives_and_is_kept_in_storage(self):
        self.start_proxflow(self.config(), wait_port=self.port)
        wait_until(lambda: self.staple() == "good", timeout=15, what="a good OCSP staple")
        staples = os.listdir(os.path.join(self.storage, "ocsp"))
        self.assertEqual(len(staples), 1, staples)
        self.assertRegex(staples[0], r"^localhost-[0-9a-f]{8}$")
        self.assertEqual(len(self.responder_requests()), 1)

    def test_a_restart_staples_the_stored_response_without_asking_the_responder(self):
        proc = self.start_proxflow(self.config(), wait_port=self.port)
        wait_until(lambda: self.staple() == "good", timeout=15, what="a good OCSP staple")
        self.procs.stop(proc)
        asked = len(self.responder_requests())
        self.stop_responder()
        self.start_proxflow(self.config(), wait_port=self.port, name="again")
        self.assertEqual(self.staple(), "good")  # the first handshake already has it
        self.assertEqual(len(self.responder_requests()), asked)

    def test_a_revocation_is_stapled_after_the_next_refresh(self):
        self.start_proxflow(self.config({"automation": {"ocsp_interval": "1s"}}), wait_port=self.port)
        wait_until(lambda: self.staple() == "good", timeout=15, what="a good OCSP staple")
        self.revoke()
        wait_until(lambda: self.staple() == "revoked", timeout=15, what="a revoked OCSP staple")
        self.assertGreaterEqual(len(self.responder_requests()), 2)

    def test_disable_ocsp_stapling_sends_no_staple_and_asks_no_responder(self):
        self.start_proxflow(self.config({"disable_ocsp_stapling": True, "automation": {"ocsp_interval": "1s"}}),
                            wait_port=self.port)
        # Long enough for several refreshes had stapling been on (the enabled case staples within one).
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            self.assertIsNone(self.staple())
            time.sleep(0.5)
        self.assertEqual(self.responder_requests(), [])
        self.assertFalse(os.path.exists(os.path.join(self.storage, "ocsp")))


class Caddyfile(OcspCase):
    def caddyfile(self, options):
        leaf, key = os.path.join(self.ca, "chain.pem"), os.path.join(self.ca, "leaf.key")
        return (f"{{\n\tadmin off\n\tstorage file_system {self.storage}\n\thttps_port {self.port}\n\thttp_port {free_port()}\n"
                f"{options}}}\n\nhttps://localhost:{self.port} {{\n\tbind 127.0.0.1\n\ttls {leaf} {key}\n\trespond \"stapled\"\n}}\n")

    def test_ocsp_interval_in_the_caddyfile_refreshes_the_staple(self):
        self.start_proxflow(self.caddyfile("\tocsp_interval 1s\n"), caddyfile=True, wait_port=self.port)
        wait_until(lambda: self.staple() == "good", timeout=15, what="a good OCSP staple")
        self.revoke()
        wait_until(lambda: self.staple() == "revoked", timeout=15, what="a revoked OCSP staple")

    def test_ocsp_stapling_off_in_the_caddyfile_sends_no_staple(self):
        self.start_proxflow(self.caddyfile("\tocsp_stapling off\n\tocsp_interval 1s\n"), caddyfile=True, wait_port=self.port)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            self.assertIsNone(self.staple())
            time.sleep(0.5)
        self.assertEqual(self.responder_requests(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
