"""The non-proxy handlers through real requests: subroute, rewrite (uri, strip_path_prefix, method), vars,
headers (deferred response operations, request_header), error, and the Caddyfile's `uri strip_prefix`;
the backend reports the request it got."""
import json
import unittest

import harness
from harness import free_port, http, proxy_config, reverse_proxy


def respond(body, status=200):
    return {"handler": "static_response", "status_code": status, "body": body}


class Handlers(harness.ProxyTestCase):
    def serve(self, routes):
        self.port = free_port()
        self.start_proxflow(proxy_config(self.port, None, routes=routes), wait_port=self.port)

    def serve_site(self, *directives):
        """One Caddyfile site on 127.0.0.1 with these directives, admin off."""
        self.port = free_port()
        body = "".join(f"\t{d}\n" for d in directives)
        self.start_proxflow(f"{{\n\tadmin off\n}}\nhttp://127.0.0.1:{self.port} {{\n\tbind 127.0.0.1\n{body}}}\n",
                            caddyfile=True, wait_port=self.port)

    def get(self, path, headers=None):
        status, hdrs, body = http("GET", f"http://127.0.0.1:{self.port}{path}", headers=headers)
        return status, hdrs, body

    def seen_path(self, path):
        status, _, body = self.get(path)
        self.assertEqual(status, 200, body)
        return json.loads(body)["path"]

    def test_subroute_runs_its_own_routes_under_the_outer_match(self):
        self.serve([
            {"match": [{"path": ["/api/*"]}], "handle": [{"handler": "subroute", "routes": [
                {"match": [{"method": ["POST"]}], "handle": [respond("api post")], "terminal": True},
                {"match": [{"path": ["/api/v1/*"]}], "handle": [respond("api v1")], "terminal": True},
                {"handle": [respond("api other")]},
            ]}], "terminal": True},
            {"handle": [respond("outside", 404)]},
        ])
        self.assertEqual(self.get("/api/v1/users")[2], b"api v1")
        self.assertEqual(self.get("/api/v2")[2], b"api other")
        self.assertEqual(http("POST", f"http://127.0.0.1:{self.port}/api/v1/x", body=b"")[2], b"api post")
        self.assertEqual(self.get("/elsewhere")[:3:2], (404, b"outside"))

    def test_a_subroute_that_matches_nothing_falls_through_to_the_next_route(self):
        self.serve([
            {"handle": [{"handler": "subroute", "routes": [
                {"match": [{"path": ["/inner"]}], "handle": [respond("inner")], "terminal": True}]}]},
            {"handle": [respond("after")]},
        ])
        self.assertEqual(self.get("/inner")[2], b"inner")
        self.assertEqual(self.get("/x")[2], b"after")

    def test_rewrite_uri_and_strip_path_prefix_change_what_the_upstream_gets(self):
        a = self.start_backend("named", "a")
        self.serve([
            {"match": [{"path": ["/old/*"]}], "handle": [
                {"handler": "rewrite", "uri": "/new{http.request.uri.path}"}, reverse_proxy(a.port)], "terminal": True},
            {"match": [{"path": ["/api/*"]}], "handle": [
                {"handler": "rewrite", "strip_path_prefix": "/api"}, reverse_proxy(a.port)], "terminal": True},
            {"match": [{"path": ["/q"]}], "handle": [
                {"handler": "rewrite", "uri": "/query?page=2"}, reverse_proxy(a.port)], "terminal": True},
        ])
        self.assertEqual(self.seen_path("/old/item?x=1"), "/new/old/item?x=1")  # the query is kept
        self.assertEqual(self.seen_path("/api/users/7?v=2"), "/users/7?v=2")
        self.assertEqual(self.seen_path("/api/"), "/")
        self.assertEqual(self.seen_path("/q?ignored=1"), "/query?page=2")  # a uri with a query replaces it

    def test_a_rewrite_is_seen_by_the_routes_after_it(self):
        self.serve([
            {"handle": [{"handler": "rewrite", "uri": "/renamed"}]},
            {"match": [{"path": ["/renamed"]}], "handle": [respond("matched {http.request.uri} from {http.request.orig_uri}")],
             "terminal": True},
            {"handle": [respond("not rewritten", 500)]},
        ])
        self.assertEqual(self.get("/original")[2], b"matched /renamed from /original")

    def test_vars_set_values_for_placeholders_and_the_vars_matcher(self):
        a = self.start_backend("named", "a")
        self.serve([
            {"handle": [{"handler": "vars", "tier": "gold", "who": "{http.request.header.X-User}"}]},
            {"match": [{"vars": {"tier": ["silver"]}}], "handle": [respond("silver", 500)], "terminal": True},
            {"match": [{"vars": {"tier": ["gold"]}}], "handle": [
                reverse_proxy(a.port, headers={"request": {"set": {"X-Tier": ["{http.vars.tier}"],
                                                                   "X-Who": ["{http.vars.who}"]}}})], "terminal": True},
        ])
        status, _, body = self.get("/v", headers={"X-User": "ada"})
        self.assertEqual(status, 200, body)
        up = json.loads(body)["headers"]
        self.assertEqual((up["X-Tier"], up["X-Who"]), ("gold", "ada"))

    def test_deferred_response_header_operations_apply_to_the_proxied_response(self):
        a = self.start_backend("named", "a")
        self.serve([{"handle": [
            {"handler": "headers", "response": {"deferred": True, "delete": ["X-Backend"], "set": {"X-Edge": ["1"]}}},
            reverse_proxy(a.port)]}])
        status, headers, _ = self.get("/")
        self.assertEqual(status, 200)
        self.assertNotIn("X-Backend", headers)  # set by the upstream, removed on the way out
        self.assertEqual(headers["X-Edge"], "1")

    def test_caddyfile_uri_strip_prefix_strips_before_proxying(self):
        a = self.start_backend("named", "a")
        self.serve_site("uri strip_prefix /app", f"reverse_proxy 127.0.0.1:{a.port}")
        self.assertEqual(self.seen_path("/app/page?x=1"), "/page?x=1")
        self.assertEqual(self.seen_path("/other"), "/other")

    def test_error_method_and_request_header_from_a_caddyfile_reach_the_client_and_the_upstream(self):
        a = self.start_backend("named", "a")
        self.serve_site('error /private* "Unauthorized" 403', 'error /teapot* "Teapot" "{http.request.header.X-Code}"',
                        "method /as-post* post", "request_header X-Tenant acme", "request_header -Cookie",
                        f"reverse_proxy 127.0.0.1:{a.port}")
        # With no error routes, Caddy answers the error's status with an empty body.
        self.assertEqual(self.get("/private/x")[::2], (403, b""))
        self.assertEqual(self.get("/teapot", headers={"X-Code": "418"})[::2], (418, b""))
        self.assertEqual(self.get("/teapot", headers={"X-Code": "nope"})[0], 500)
        status, _, body = self.get("/as-post", headers={"Cookie": "session=1"})
        seen = json.loads(body)
        self.assertEqual((status, seen["method"], seen["headers"].get("X-Tenant")), (200, "POST", "acme"))
        self.assertNotIn("Cookie", seen["headers"])


if __name__ == "__main__":
    unittest.main()
