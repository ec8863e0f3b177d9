"""reverse_proxy's handle_response through real requests: response matchers (status codes, status
classes, header presence and values), Caddy's order (first matching entry wins), replace_status
(literal and placeholder), routes that answer instead of the upstream, copy_response (with a new
status), copy_response_headers (include / exclude), the {http.reverse_proxy.*} placeholders, routes
that fall through to the next handler, and a rewrite to GET that leaves the body for later handlers.
The upstream is tests/integration/backends/responder.py, told by the query what to answer."""
import json
import socket
import unittest

import harness
from harness import free_port, http, proxy_config, reverse_proxy


def respond(body, status=None):
    handler = {"handler": "static_response", "body": body}
    if status is not None:
        handler["status_code"] = status
    return handler


def routes(*handlers):
    return [{"handle": list(handlers)}]


class HandleResponse(harness.ProxyTestCase):
    def serve(self, handle_response, after=(), **proxy_options):
        self.backend = self.start_backend("responder")
        self.port = free_port()
        proxy = reverse_proxy(self.backend.port, handle_response=handle_response, **proxy_options)
        self.start_proxflow(proxy_config(self.port, [proxy, *after]), wait_port=self.port)

    def get(self, query, headers=None, method="GET", body=None):
        return http(method, f"http://127.0.0.1:{self.port}/r?{query}", headers=headers, body=body)

    def test_status_and_header_matchers_pick_the_routes_that_answer(self):
        self.serve([
            {"match": {"status_code": [401]}, "routes": routes(respond("Status 401!"))},
            {"match": {"status_code": [5]}, "routes": routes(respond("a 5xx", 502))},
            {"match": {"headers": {"X-Accel-Redirect": ["*"]}}, "routes": routes(respond("accel"))},
            {"match": {"headers": {"X-Kind": ["beta*"]}}, "routes": routes(respond("a beta"))},
            {"match": {"headers": {"X-Kind": []}, "status_code": [202]}, "routes": routes(respond("kind and 202"))},
        ])
        self.assertEqual(self.get("status=401")[::2], (200, b"Status 401!"))
        self.assertEqual(self.get("status=503")[::2], (502, b"a 5xx"))
        self.assertEqual(self.get("h=X-Accel-Redirect:/files/a")[::2], (200, b"accel"))
        self.assertEqual(self.get("h=X-Kind:beta-2")[::2], (200, b"a beta"))
        self.assertEqual(self.get("h=X-Kind:gamma&status=202")[::2], (200, b"kind and 202"))
        # No entry matches: the upstream's own response, streamed as usual.
        status, headers, body = self.get("h=X-Kind:gamma&status=404&body=plain")
        self.assertEqual((status, body, headers["X-Served-By"]), (404, b"plain", str(self.backend.port)))

    def test_the_first_matching_entry_wins_and_one_without_a_matcher_catches_the_rest(self):
        self.serve([
            {"match": {"status_code": [4]}, "routes": routes(respond("any 4xx"))},
            {"match": {"status_code": [403]}, "routes": routes(respond("never: 403 is a 4xx"))},
            {"match": {"status_code": [2]}},  # neither routes nor a status: Caddy skips it
            {"routes": routes(respond("anything else"))},
        ])
        self.assertEqual(self.get("status=403")[2], b"any 4xx")
        self.assertEqual(self.get("status=200")[2], b"anything else")
        self.assertEqual(self.get("status=302&h=Location:/x")[2], b"anything else")

    def test_replace_status_changes_the_code_and_streams_the_upstream_body(self):
        self.serve([
            {"match": {"status_code": [500]}, "status_code": 400},
            {"match": {"headers": {"X-Want": ["*"]}}, "status_code": "{http.request.header.X-Want-Status}"},
            {"match": {"status_code": [418]}, "status_code": "{http.error.status_code}"},  # empty: not a code
        ])
        status, headers, body = self.get("status=500&body=broken")
        self.assertEqual((status, body, headers["X-Served-By"]), (400, b"broken", str(self.backend.port)))
        self.assertEqual(self.get("h=X-Want:1&body=b", headers={"X-Want-Status": "207"})[::2], (207, b"b"))
        self.assertEqual(self.get("status=418")[0], 500)
        # A replaced status still streams: a raw read shows the reason phrase of the new code.
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(b"GET /r?status=500 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        self.assertTrue(data.startswith(b"HTTP/1.1 400 Bad Request\r\n"), data[:60])

    def test_copy_response_sends_the_upstream_response_with_a_new_status_and_route_headers(self):
        self.serve([
            {"match": {"status_code": [201]}, "routes": routes(
                {"handler": "headers", "response": {"set": {"Foo": ["Copying the response"]}}},
                {"handler": "copy_response", "status_code": 404})},
            {"match": {"status_code": [202]}, "routes": routes({"handler": "copy_response"})},
        ])
        status, headers, body = self.get("status=201&body=created-body&h=Foo:upstream")
        self.assertEqual((status, body), (404, b"created-body"))
        self.assertEqual(headers["Foo"], "Copying the response")
        self.assertEqual(headers["X-Served-By"], str(self.backend.port))
        self.assertEqual(self.get("status=202&body=kept")[::2], (202, b"kept"))
        # The copied response left the upstream connection reusable; later requests still work.
        for _ in range(3):
            self.assertEqual(self.get("status=201&body=again")[::2], (404, b"again"))

    def test_copy_response_headers_include_and_exclude(self):
        self.serve([
            {"match": {"status_code": [200]}, "routes": routes(
                {"handler": "copy_response_headers", "include": ["foo", "Bar"]}, respond("included"))},
            {"match": {"status_code": [203]}, "routes": routes(
                {"handler": "copy_response_headers", "exclude": ["Foo"]}, respond("excluded"))},
        ])
        status, headers, body = self.get("h=Foo:1&h=Bar:2&h=Baz:3")
        self.assertEqual((status, body), (200, b"included"))
        self.assertEqual((headers.get("Foo"), headers.get("Bar"), headers.get("Baz")), ("1", "2", None))
        self.assertNotIn("X-Served-By", headers)
        status, headers, body = self.get("status=203&h=Foo:1&h=Bar:2&h=Baz:3")
        self.assertEqual((status, body), (200, b"excluded"))
        self.assertEqual((headers.get("Foo"), headers.get("Bar"), headers.get("Baz")), (None, "2", "3"))
        self.assertEqual(headers["X-Served-By"], str(self.backend.port))
        self.assertEqual(headers["Content-Length"], str(len(b"excluded")))

    def test_placeholders_of_the_handled_response(self):
        self.serve([{"routes": routes(respond(
            "{http.reverse_proxy.status_code}|{http.reverse_proxy.status_text}|{http.reverse_proxy.header.X-Token}"))}])
        self.assertEqual(self.get("status=404&h=X-Token:abc")[2], b"404|404 Not Found|abc")
        self.assertEqual(self.get("status=200")[2], b"200|200 OK|")

    def test_routes_that_do_not_answer_fall_through_to_the_next_handler(self):
        self.serve([{"match": {"status_code": [2]}, "routes": routes(
            {"handler": "headers", "request": {"set": {"X-User": ["{http.reverse_proxy.header.X-User}"]}}})}],
            after=[respond("next handler saw {http.request.header.X-User} on {http.request.method} "
                           "{http.request.uri} xff={http.request.header.X-Forwarded-For}")])
        status, _, body = self.get("h=X-User:alice")
        self.assertEqual((status, body), (200, b"next handler saw alice on GET /r?h=X-User:alice xff="))
        # Not matched: the upstream's response is the answer.
        status, _, body = self.get("status=403&body=no")
        self.assertEqual((status, body), (403, b"no"))

    def test_a_rewrite_to_get_sends_no_body_upstream_and_keeps_it_for_the_next_handler(self):
        sink = self.start_backend("responder")
        self.serve([{"match": {"status_code": [2]}, "routes": routes(
            {"handler": "headers", "request": {"set": {"X-Auth-Method": ["{http.reverse_proxy.header.X-Seen-Method}"],
                                                       "X-Auth-Uri": ["{http.reverse_proxy.header.X-Seen-Uri}"],
                                                       "X-Auth-Body": ["{http.reverse_proxy.header.X-Seen-Body-Length}"]}}})}],
            after=[reverse_proxy(sink.port, headers={"response": {"set": {
                "X-Auth-Saw": ["{http.request.header.X-Auth-Method} {http.request.header.X-Auth-Uri} "
                               "{http.request.header.X-Auth-Body}"]}}})],
            rewrite={"method": "GET", "uri": "/verify?from={http.request.method}"})
        status, headers, body = http("POST", f"http://127.0.0.1:{self.port}/upload?x=1", body=b"0123456789")
        self.assertEqual((status, body), (200, f"from {sink.port}".encode()))
        self.assertEqual(headers["X-Auth-Saw"], "GET /verify?from=POST 0")
        # The second upstream got the client's own request: method, URI and the whole body.
        self.assertEqual((headers["X-Seen-Method"], headers["X-Seen-Uri"], headers["X-Seen-Body-Length"]),
                         ("POST", "/upload?x=1", "10"))

    def test_copy_response_outside_handle_response_is_refused(self):
        port = free_port()
        path = f"{self.tmp}/bad.json"
        with open(path, "w") as f:
            json.dump(proxy_config(port, [{"handler": "copy_response"}]), f)
        result = self.run_proxflow("validate", "--config", path)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("routes[0].handle[0].handler", result.stdout + result.stderr)
        self.assertIn("only valid inside the handle_response routes", result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main()
