"""basicauth (Caddy's authentication handler with the http_basic provider) from a Caddyfile, as users
write it: bcrypt hashes as `caddy hash-password` prints them and base64-wrapped, scrypt, the realm in
the challenge, {http.auth.user.id} after a pass, and a matcher that leaves other paths open."""
import base64
import http.client
import time
import unittest

import harness
from harness import free_port

# Python's crypt for "hunter2" at bcrypt cost 4 (Caddy's hash-password uses 14: a second per check).
BCRYPT = "$2b$04$Mm5oW7AFB9arcAzIqYIkDOQNolPAABxlYxF8EXuITnF3Cdl.p6xZ2"
# `caddy hash-password --plaintext hunter2`, cost 14.
BCRYPT_14 = "$2a$14$NK0ahb/tOOOXgOKe6dDUY.PJ4nB2ORXdGsv0Mj69wmQ16uppmXPk."
# hashlib.scrypt(b"hunter2", salt=b"saltsalt", n=32768, r=8, p=1, dklen=32), and the salt, base64.
SCRYPT = "EbfH4JqdJUXvN2QEfFlDpgurBfPjTW8hQVRirrrTW0s="
SALT = "c2FsdHNhbHQ="


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class BasicAuth(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.port = free_port()
        wrapped = base64.b64encode(BCRYPT.encode()).decode()
        self.start_proxflow(f"""
:{self.port} {{
	bind 127.0.0.1
	basicauth /private/* {{
		bob {BCRYPT}
		alice {wrapped}
	}}
	basicauth /slow/* bcrypt "Slow Zone" {{
		carol {BCRYPT_14}
	}}
	basicauth /old/* scrypt {{
		dave {SCRYPT} {SALT}
	}}
	respond "user={{http.auth.user.id}}"
}}
""", caddyfile=True, wait_port=self.port, threads=1)  # one engine thread: a blocking check would show

    def get(self, path, authorization=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", path, headers={"Authorization": authorization} if authorization else {})
        res = conn.getresponse()
        body = res.read()
        conn.close()
        return res, body

    def test_without_credentials_the_answer_is_401_with_a_challenge_for_the_realm(self):
        res, body = self.get("/private/x")
        self.assertEqual(res.status, 401)
        self.assertEqual(res.getheader("WWW-Authenticate"), 'Basic realm="restricted"')
        self.assertEqual(body, b"")
        res, _ = self.get("/slow/x")
        self.assertEqual(res.getheader("WWW-Authenticate"), 'Basic realm="Slow Zone"')

    def test_the_right_password_passes_and_names_the_user(self):
        res, body = self.get("/private/x", basic("bob", "hunter2"))
        self.assertEqual((res.status, body), (200, b"user=bob"))
        res, body = self.get("/private/x", basic("alice", "hunter2"))  # the base64-wrapped hash
        self.assertEqual((res.status, body), (200, b"user=alice"))
        res, body = self.get("/old/x", basic("dave", "hunter2"))
        self.assertEqual((res.status, body), (200, b"user=dave"))

    def test_wrong_passwords_unknown_users_and_malformed_headers_are_refused(self):
        for authorization in (basic("bob", "hunter3"), basic("mallory", "hunter2"), basic("dave", "hunter3"),
                              "Bearer abc", "Basic !!!", "Basic " + base64.b64encode(b"no-colon").decode()):
            with self.subTest(authorization=authorization):
                res, _ = self.get("/private/x" if "dave" not in authorization else "/old/x", authorization)
                self.assertEqual(res.status, 401)
        # The scheme is case-insensitive, as Go's Request.BasicAuth reads it.
        res, _ = self.get("/private/x", "basic " + basic("bob", "hunter2")[6:])
        self.assertEqual(res.status, 200)

    def test_paths_outside_the_matcher_are_open(self):
        res, body = self.get("/public")
        self.assertEqual((res.status, body), (200, b"user="))

    def test_a_slow_hash_is_checked_once_then_answered_from_the_cache(self):
        started = time.monotonic()
        res, _ = self.get("/slow/x", basic("carol", "hunter2"))
        first = time.monotonic() - started
        self.assertEqual(res.status, 200)
        started = time.monotonic()
        for _ in range(5):
            res, _ = self.get("/slow/x", basic("carol", "hunter2"))
            self.assertEqual(res.status, 200)
        self.assertLess(time.monotonic() - started, first, "five cached checks took longer than one bcrypt at cost 14")

    def test_other_requests_are_served_while_a_slow_hash_is_checked(self):
        # The bcrypt check runs off the engine thread: an open path answers meanwhile.
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", "/slow/x", headers={"Authorization": basic("carol", "wrong-" + str(time.time()))})
        started = time.monotonic()
        res, _ = self.get("/public")
        quick = time.monotonic() - started
        self.assertEqual(res.status, 200)
        self.assertEqual(conn.getresponse().status, 401)
        conn.close()
        self.assertLess(quick, 0.5)


@harness.needs_programs("caddy", why="hash-password is checked against caddy hash-password")
class HashPassword(harness.ProxyTestCase):
    def test_a_bcrypt_hash_is_in_caddys_form_and_lets_its_password_in(self):
        result = self.run_proxflow("hash-password", "--plaintext", "s3cret pass")
        self.assertEqual(result.returncode, 0, result.stderr)
        hashed = result.stdout.strip()
        self.assertRegex(hashed, r"^\$2a\$14\$[./A-Za-z0-9]{53}$")
        port = free_port()
        self.start_proxflow(f":{port} {{\n\tbind 127.0.0.1\n\tbasicauth {{\n\t\tzoe {hashed}\n\t}}\n\trespond ok\n}}\n",
                            caddyfile=True, wait_port=port)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/", headers={"Authorization": basic("zoe", "s3cret pass")})
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()

    def test_scrypt_with_a_salt_prints_what_caddy_prints(self):
        import subprocess
        theirs = subprocess.run(["caddy", "hash-password", "--algorithm", "scrypt", "--salt", "pepper", "--plaintext", "hunter2"],
                                capture_output=True, text=True, timeout=60).stdout.strip()
        ours = self.run_proxflow("hash-password", "--algorithm", "scrypt", "--salt", "pepper", "--plaintext", "hunter2").stdout.strip()
        self.assertEqual(ours, theirs)

    def test_the_password_can_come_from_standard_input(self):
        import subprocess
        result = subprocess.run([harness.PROXFLOW, "hash-password", "--algorithm", "scrypt", "--salt", "pepper"], input="hunter2\n",
                                capture_output=True, text=True, timeout=60)
        flag = self.run_proxflow("hash-password", "--algorithm", "scrypt", "--salt", "pepper", "--plaintext", "hunter2")
        self.assertEqual(result.stdout, flag.stdout)
        bad = self.run_proxflow("hash-password", "--algorithm", "md5", "--plaintext", "x")
        self.assertEqual(bad.returncode, 2)
        self.assertIn("unrecognized hash algorithm: md5", bad.stderr)


if __name__ == "__main__":
    unittest.main()
