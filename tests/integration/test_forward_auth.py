"""forward_auth from a Caddyfile, end to end: a real python auth server (backends/auth_server.py,
Authelia-like) decides; allowed requests reach the backend with the auth server's headers copied
(a client's own copy of them is not trusted), denied ones get the auth server's 401 or 302 and body,
and the backend is never asked. The auth request is a GET to `uri` with X-Forwarded-Method/-Uri and
without the client's body, which still reaches the backend whole."""
import http.client
import json
import os
import unittest

import harness
from harness import free_port, http as request


class ForwardAuth(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.auth_log = os.path.join(self.tmp, "auth.jsonl")
        self.auth = self.start_backend("auth_server", self.auth_log)
        self.app = self.start_backend("named", "app")
        self.port = free_port()
        self.start_proxflow(f"""
http://127.0.0.1:{self.port} {{
	forward_auth 127.0.0.1:{self.auth.port} {{
		uri /verify?rd=https://login.example.test
		copy_headers Remote-User Remote-Groups Remote-Name Remote-Email>X-Email
	}}
	reverse_proxy 127.0.0.1:{self.app.port}
}}
""", caddyfile=True, wait_port=self.port, threads=1)  # one thread: one pool of upstream connections

    def auth_requests(self):
        with open(self.auth_log) as f:
            return [json.loads(line) for line in f]

    def test_an_allowed_request_reaches_the_backend_with_the_copied_headers(self):
        status, _, body = request("GET", f"http://127.0.0.1:{self.port}/app/page?x=1",
                               headers={"Authorization": "Bearer good", "Remote-Name": "spoofed"})
        self.assertEqual(status, 200, body)
        seen = json.loads(body)
        self.assertEqual((seen["backend"], seen["method"], seen["path"]), ("app", "GET", "/app/page?x=1"))
        self.assertEqual(seen["headers"]["Remote-User"], "alice")
        self.assertEqual(seen["headers"]["Remote-Groups"], "admins,dev")
        self.assertEqual(seen["headers"]["X-Email"], "alice@example.test")
        # The auth server sent no Remote-Name: the client's own value must not pass for one.
        self.assertNotEqual(seen["headers"].get("Remote-Name"), "spoofed")
        self.assertNotIn("X-Forwarded-Method", seen["headers"])
        [asked] = self.auth_requests()
        self.assertEqual((asked["method"], asked["uri"]), ("GET", "/verify?rd=https://login.example.test"))
        self.assertEqual(asked["headers"]["X-Forwarded-Method"], "GET")
        self.assertEqual(asked["headers"]["X-Forwarded-Uri"], "/app/page?x=1")
        self.assertEqual(asked["headers"]["Authorization"], "Bearer good")

    def test_a_post_body_goes_to_the_backend_not_to_the_auth_server(self):
        payload = b"x" * 70000
        status, _, body = request("POST", f"http://127.0.0.1:{self.port}/upload", body=payload,
                               headers={"Authorization": "Bearer good", "Content-Type": "application/octet-stream"})
        self.assertEqual(status, 200, body)
        seen = json.loads(body)
        self.assertEqual((seen["method"], seen["body_length"]), ("POST", len(payload)))
        [asked] = self.auth_requests()
        self.assertEqual((asked["method"], asked["body_length"]), ("GET", 0))
        self.assertEqual(asked["headers"]["X-Forwarded-Method"], "POST")
        self.assertNotIn("Content-Length", asked["headers"])

    def test_the_auth_connection_is_reused_after_a_bodiless_2xx(self):
        for _ in range(3):
            self.assertEqual(request("GET", f"http://127.0.0.1:{self.port}/a", headers={"Authorization": "Bearer good"})[0], 200)
        self.assertEqual(len({r["peer_port"] for r in self.auth_requests()}), 1)

    def test_a_denied_request_gets_the_auth_servers_401_and_body(self):
        status, headers, body = request("DELETE", f"http://127.0.0.1:{self.port}/app/item/7")
        self.assertEqual((status, body), (401, b"denied: DELETE /app/item/7"))
        self.assertEqual(headers["WWW-Authenticate"], "Bearer")

    def test_a_denied_head_request_gets_the_401_header_without_a_body(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("HEAD", "/app")
        res = conn.getresponse()
        self.assertEqual((res.status, res.read()), (401, b""))
        # The connection is still in step: a second request on it gets its own answer.
        conn.request("GET", "/app/2", headers={"Authorization": "Bearer good"})
        res = conn.getresponse()
        self.assertEqual(res.status, 200)
        self.assertEqual(json.loads(res.read())["path"], "/app/2")
        conn.close()

    def test_an_expired_session_is_redirected_to_the_login_page(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)  # urllib would follow the redirect
        conn.request("GET", "/app", headers={"Authorization": "Bearer expired"})
        res = conn.getresponse()
        self.assertEqual((res.status, res.read()), (302, b"login first"))
        self.assertEqual(res.getheader("Location"), "https://login.example.test/?rd=x")
        conn.close()

    def test_the_backend_is_not_asked_when_access_is_denied(self):
        for _ in range(3):
            self.assertEqual(request("GET", f"http://127.0.0.1:{self.port}/secret")[0], 401)
        status, _, body = request("GET", f"http://127.0.0.1:{self.port}/seen", headers={"Authorization": "Bearer good"})
        self.assertEqual(status, 200)
        # One keep-alive connection to the app served only the allowed request.
        self.assertEqual(len(self.auth_requests()), 4)
        self.assertEqual(json.loads(body)["path"], "/seen")


if __name__ == "__main__":
    unittest.main()
