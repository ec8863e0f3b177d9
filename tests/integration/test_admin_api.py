"""The admin API as Caddy's: /config reads and edits the running config by path, /load replaces it
(JSON or Caddyfile), errors are JSON and leave the running config serving, foreign Hosts and Origins
are refused, and a disabled admin API does not listen at all."""
import fcntl
import json
import os
import subprocess
import unittest

import harness
from harness import free_port, http, port_open, proxy_config, wait_until


def static(body):
    return {"handler": "static_response", "body": body}


def route(path, body):
    return {"match": [{"path": [path]}], "handle": [static(body)], "terminal": True}


class AdminApi(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.port, self.admin = free_port(), free_port()
        self.config = proxy_config(self.port, None, admin_port=self.admin,
                                   routes=[route("/a", "route a"), route("/b", "route b")])
        self.proxy = self.start_proxflow(self.config, wait_port=self.port)
        wait_until(lambda: port_open(self.admin), what="the admin API")

    def api(self, method, path, body=None, content_type="application/json", headers=None):
        """body: bytes are sent as they are, anything else as JSON."""
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
        hdrs = {"Content-Type": content_type} if body is not None else {}
        hdrs.update(headers or {})
        status, res_headers, data = http(method, f"http://127.0.0.1:{self.admin}{path}", body=body, headers=hdrs)
        return status, res_headers, data

    def assert_json_error(self, res, status, *fragments):
        code, headers, body = res
        self.assertEqual(code, status, body)
        self.assertEqual(headers.get("Content-Type"), "application/json")
        error = json.loads(body)["error"]
        for fragment in fragments:
            self.assertIn(fragment, error)
        return error

    def served(self, path):
        status, _, body = http("GET", f"http://127.0.0.1:{self.port}{path}")
        return status, body.decode()

    # --- reading -----------------------------------------------------------------------------------
    def test_get_config_returns_the_running_config(self):
        status, headers, body = self.api("GET", "/config/")
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("Content-Type"), "application/json")
        self.assertEqual(json.loads(body), self.config)

    def test_get_config_follows_a_nested_path_through_objects_and_arrays(self):
        status, _, body = self.api("GET", "/config/apps/http/servers/srv0/listen")
        self.assertEqual((status, json.loads(body)), (200, [f"127.0.0.1:{self.port}"]))
        status, _, body = self.api("GET", "/config/apps/http/servers/srv0/routes/1/handle/0/body")
        self.assertEqual((status, json.loads(body)), (200, "route b"))

    def test_get_config_of_a_missing_path_is_a_404_json_error(self):
        self.assert_json_error(self.api("GET", "/config/apps/http/servers/nope"), 404, "/config/apps/http/servers/nope")
        self.assert_json_error(self.api("GET", "/config/apps/http/servers/srv0/routes/7"), 404)

    def test_get_reverse_proxy_upstreams_lists_configured_upstreams(self):
        backend = self.start_backend("named", "u")
        self.assertEqual(self.api("POST", "/config/apps/http/servers/srv0/routes/0/handle/0",
                                  harness.reverse_proxy(backend.port))[0], 200)
        status, _, body = self.api("GET", "/reverse_proxy/upstreams")
        self.assertEqual(status, 200)
        self.assertIn(f"127.0.0.1:{backend.port}", [u["address"] for u in json.loads(body)])

    # --- changing ----------------------------------------------------------------------------------
    def test_post_to_a_path_replaces_the_value_and_the_proxy_serves_it(self):
        self.assertEqual(self.api("POST", "/config/apps/http/servers/srv0/routes/0/handle/0/body", "changed a")[0], 200)
        self.assertEqual(self.served("/a"), (200, "changed a"))
        self.assertEqual(self.served("/b"), (200, "route b"))
        self.assertEqual(json.loads(self.api("GET", "/config/apps/http/servers/srv0/routes/0/handle/0/body")[2]), "changed a")

    def test_post_to_an_array_appends_to_it(self):
        self.assertEqual(self.served("/c")[1], "")  # no route: Caddy's empty 200
        self.assertEqual(self.api("POST", "/config/apps/http/servers/srv0/routes", route("/c", "route c"))[0], 200)
        self.assertEqual(self.served("/c"), (200, "route c"))
        self.assertEqual(len(json.loads(self.api("GET", "/config/apps/http/servers/srv0/routes")[2])), 3)

    def test_put_inserts_into_an_array_at_the_index(self):
        # Inserted before route a, a catch-all route answers everything.
        catch_all = {"handle": [static("inserted")], "terminal": True}
        self.assertEqual(self.api("PUT", "/config/apps/http/servers/srv0/routes/0", catch_all)[0], 200)
        self.assertEqual(self.served("/a"), (200, "inserted"))
        routes = json.loads(self.api("GET", "/config/apps/http/servers/srv0/routes")[2])
        self.assertEqual([r["handle"][0]["body"] for r in routes], ["inserted", "route a", "route b"])

    def test_put_creates_a_new_key_but_refuses_an_existing_one(self):
        self.assertEqual(self.api("PUT", "/config/apps/http/servers/srv0/routes/0/handle/0/status_code", 201)[0], 200)
        self.assertEqual(self.served("/a"), (201, "route a"))
        self.assert_json_error(self.api("PUT", "/config/apps/http/servers/srv0/routes/0/handle/0/body", "x"), 409)
        self.assertEqual(self.served("/a"), (201, "route a"))

    def test_patch_replaces_an_existing_value_only(self):
        self.assertEqual(self.api("PATCH", "/config/apps/http/servers/srv0/routes/1",
                                  route("/b", "patched b"))[0], 200)
        self.assertEqual(self.served("/b"), (200, "patched b"))
        self.assert_json_error(self.api("PATCH", "/config/apps/http/servers/srv0/routes/0/handle/0/headers",
                                        {"X": ["y"]}), 404)
        self.assertEqual(self.served("/a"), (200, "route a"))

    def test_delete_removes_a_route_from_the_running_config(self):
        self.assertEqual(self.api("DELETE", "/config/apps/http/servers/srv0/routes/0")[0], 200)
        self.assertEqual(self.served("/a"), (200, ""))
        self.assertEqual(self.served("/b"), (200, "route b"))
        self.assert_json_error(self.api("DELETE", "/config/apps/http/servers/srv0/routes/5"), 404)

    def test_a_change_with_an_unknown_field_is_a_400_naming_the_json_path_and_the_old_config_serves(self):
        error = self.assert_json_error(
            self.api("POST", "/config/apps/http/servers/srv0/routes/0/handle/0/bodyy", "typo"), 400,
            "apps.http.servers.srv0.routes[0].handle[0].bodyy", "unknown field")
        self.assertNotIn("bodyy", json.dumps(json.loads(self.api("GET", "/config/")[2])), error)
        self.assertEqual(self.served("/a"), (200, "route a"))

    def test_a_change_with_an_unknown_handler_is_refused_and_the_old_config_serves(self):
        self.assert_json_error(self.api("POST", "/config/apps/http/servers/srv0/routes/0/handle/0",
                                        {"handler": "no_such_handler"}), 400,
                               "apps.http.servers.srv0.routes[0].handle[0].handler", "no_such_handler")
        self.assertEqual(self.served("/a"), (200, "route a"))
        self.assertEqual(json.loads(self.api("GET", "/config/")[2]), self.config)

    def test_a_body_that_is_not_json_is_a_400(self):
        self.assert_json_error(self.api("POST", "/config/apps/http/servers/srv0/routes/0/handle/0/body", b"{not json"), 400)
        self.assertEqual(self.served("/a"), (200, "route a"))

    def test_adding_a_server_by_path_opens_its_listener_and_deleting_it_closes_it(self):
        extra = free_port()
        srv1 = {"listen": [f"127.0.0.1:{extra}"], "routes": [{"handle": [static("second server")]}]}
        self.assertEqual(self.api("POST", "/config/apps/http/servers/srv1", srv1)[0], 200)
        self.assertEqual(http("GET", f"http://127.0.0.1:{extra}/")[2], b"second server")
        self.assertEqual(self.api("DELETE", "/config/apps/http/servers/srv1")[0], 200)
        wait_until(lambda: not port_open(extra), what="the deleted server's listener to close")
        self.assertEqual(self.served("/a"), (200, "route a"))

    def test_concurrent_loads_leave_one_consistent_config(self):
        import threading
        results = []

        def load(n):
            results.append(self.api("POST", "/load", proxy_config(self.port, [static(f"config {n}")],
                                                                  admin_port=self.admin))[0])

        threads = [threading.Thread(target=load, args=(n,)) for n in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        self.assertEqual(results, [200] * 12)
        running = json.loads(self.api("GET", "/config/apps/http/servers/srv0/routes/0/handle/0/body")[2])
        self.assertRegex(running, r"^config \d+$")
        for _ in range(5):  # every worker thread serves the config the API reports
            self.assertEqual(self.served("/"), (200, running))

    # --- /load -------------------------------------------------------------------------------------
    def test_load_with_json_replaces_the_whole_config(self):
        new = proxy_config(self.port, [static("loaded json")], admin_port=self.admin)
        status, _, body = self.api("POST", "/load", new)
        self.assertEqual(status, 200, body)
        self.assertEqual(self.served("/a"), (200, "loaded json"))
        self.assertEqual(json.loads(self.api("GET", "/config/")[2]), new)

    def test_load_with_a_caddyfile_adapts_and_serves_it(self):
        caddyfile = (f"{{\n\tadmin 127.0.0.1:{self.admin}\n}}\n"
                     f"http://127.0.0.1:{self.port} {{\n\tbind 127.0.0.1\n\trespond \"loaded caddyfile\"\n}}\n")
        status, _, body = self.api("POST", "/load", caddyfile.encode(), content_type="text/caddyfile")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.served("/a"), (200, "loaded caddyfile"))
        running = json.loads(self.api("GET", "/config/")[2])
        self.assertEqual(running["apps"]["http"]["servers"]["srv0"]["listen"], [f"127.0.0.1:{self.port}"])

    def test_load_with_a_bad_caddyfile_is_a_400_naming_the_line_and_the_old_config_serves(self):
        caddyfile = f"http://127.0.0.1:{self.port} {{\n\tbind 127.0.0.1\n\trespnd \"typo\"\n}}\n"
        self.assert_json_error(self.api("POST", "/load", caddyfile.encode(), content_type="text/caddyfile"), 400,
                               "Caddyfile:3", "respnd")
        self.assertEqual(self.served("/a"), (200, "route a"))

    def test_load_with_a_bad_config_is_a_400_and_the_old_config_serves(self):
        bad = proxy_config(self.port, [{"handler": "reverse_proxy", "upstreams": [{"dial": "127.0.0.1:notaport"}]}],
                           admin_port=self.admin)
        self.assert_json_error(self.api("POST", "/load", bad), 400,
                               "apps.http.servers.srv0.routes[0].handle[0].upstreams[0].dial")
        self.assertEqual(self.served("/a"), (200, "route a"))
        self.assertEqual(json.loads(self.api("GET", "/config/")[2]), self.config)

    def test_load_with_an_unsupported_content_type_is_a_400(self):
        self.assert_json_error(self.api("POST", "/load", b"x", content_type="text/plain"), 400, "text/plain")

    def test_load_that_disables_admin_closes_the_admin_listener(self):
        new = proxy_config(self.port, [static("no admin")])  # admin.disabled
        self.assertEqual(self.api("POST", "/load", new)[0], 200)
        self.assertEqual(self.served("/"), (200, "no admin"))
        wait_until(lambda: not port_open(self.admin), what="the admin listener to close")

    def test_load_that_moves_the_admin_address_moves_the_listener(self):
        moved = free_port()
        new = proxy_config(self.port, [static("moved")], admin_port=moved)
        self.assertEqual(self.api("POST", "/load", new)[0], 200)
        wait_until(lambda: port_open(moved), what="the admin API on its new address")
        wait_until(lambda: not port_open(self.admin), what="the old admin address to close")
        status, _, body = http("GET", f"http://127.0.0.1:{moved}/config/apps/http/servers/srv0/routes/0/handle/0/body")
        self.assertEqual((status, json.loads(body)), (200, "moved"))
        # The allowed Host follows the address: the old one is now foreign.
        status, _, _ = http("GET", f"http://127.0.0.1:{moved}/config/", headers={"Host": f"127.0.0.1:{self.admin}"})
        self.assertEqual(status, 403)

    # --- who may talk to it ------------------------------------------------------------------------
    def test_a_foreign_host_header_is_refused_with_403(self):
        self.assert_json_error(self.api("GET", "/config/", headers={"Host": "evil.example"}), 403, "evil.example")
        self.assert_json_error(self.api("POST", "/load", proxy_config(self.port, [static("pwned")]),
                                        headers={"Host": "evil.example"}), 403)
        self.assertEqual(self.served("/a"), (200, "route a"))

    def test_a_foreign_origin_is_refused_with_403(self):
        self.assert_json_error(self.api("GET", "/config/", headers={"Origin": "http://evil.example"}), 403, "evil.example")
        self.assert_json_error(self.api("POST", "/stop", headers={"Origin": "http://evil.example"}), 403)
        self.assertIsNone(self.proxy.poll())

    def test_the_admin_address_as_host_or_origin_is_allowed(self):
        for headers in ({"Host": f"127.0.0.1:{self.admin}"}, {"Host": f"localhost:{self.admin}"},
                        {"Origin": f"http://127.0.0.1:{self.admin}"}):
            with self.subTest(headers=headers):
                self.assertEqual(self.api("GET", "/config/", headers=headers)[0], 200)

    def test_an_unknown_admin_path_is_a_404_json_error(self):
        self.assert_json_error(self.api("GET", "/nope"), 404)


class DisabledAdmin(harness.ProxyTestCase):
    def test_a_disabled_admin_api_listens_nowhere(self):
        port, admin = free_port(), free_port()
        config = proxy_config(port, [static("up")])
        config["admin"] = {"disabled": True, "listen": f"127.0.0.1:{admin}"}
        proxy = self.start_proxflow(config, wait_port=port)
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[2], b"up")
        self.assertFalse(port_open(admin))
        # Not on its default address either: the process listens on exactly one socket, the server's.
        listening = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True).stdout
        mine = [line.split()[3] for line in listening.splitlines() if f"pid={proxy.pid}," in line]
        self.assertEqual(set(mine), {f"127.0.0.1:{port}"}, listening)


class DefaultAdminAddress(harness.ProxyTestCase):
    """Port 2019 is shared by the machine: tests serialize on a lock file, and skip when something
    else already holds the port."""

    def test_a_config_without_admin_serves_the_admin_api_on_localhost_2019(self):
        lock = open(os.path.join("/tmp", "proxflow-admin-2019.lock"), "w")
        self.addCleanup(lock.close)
        fcntl.flock(lock, fcntl.LOCK_EX)
        if port_open(2019):
            self.skipTest("something else listens on 127.0.0.1:2019")
        port = free_port()
        config = proxy_config(port, [static("default admin")])
        del config["admin"]
        proxy = self.start_proxflow(config, wait_port=port)
        wait_until(lambda: port_open(2019) or proxy.poll() is not None, what="the admin API on 2019")
        if proxy.poll() is not None and "2019" in harness.log_of(proxy):
            self.skipTest("127.0.0.1:2019 was taken meanwhile: " + harness.log_of(proxy))
        status, _, body = http("GET", "http://127.0.0.1:2019/config/", headers={"Host": "localhost:2019"})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body), config)
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[2], b"default admin")
        self.procs.stop(proxy)
        self.assertFalse(port_open(2019), "the admin API stops with the process")


if __name__ == "__main__":
    unittest.main()
