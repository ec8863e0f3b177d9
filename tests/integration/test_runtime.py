"""The engine as an operator runs it: reloads under load, graceful stop, the admin API, the CLI,
config errors that say where, and access logs."""
import json
import os
import signal
import subprocess
import threading
import time
import unittest

import harness
from harness import free_port, http, log_of, port_open, proxy_config, reverse_proxy, wait_until


def site(port, body, admin_port=None, extra_routes=()):
    routes = list(extra_routes) + [{"handle": [{"handler": "static_response", "body": body}]}]
    return proxy_config(port, [], admin_port=admin_port, routes=routes)


def wrk(port, seconds, result):
    out = subprocess.run(["wrk", "-c", "16", "-t", "1", "-d", f"{seconds}s", f"http://127.0.0.1:{port}/"],
                         capture_output=True, text=True, timeout=seconds + 30).stdout
    result.append(out)


class Reload(harness.ProxyTestCase):
    def assert_clean_wrk(self, out):
        self.assertIn("requests in", out)
        self.assertNotIn("Socket errors", out, out)
        self.assertNotIn("Non-2xx", out, out)

    def test_reload_through_the_admin_api_under_load_drops_no_request(self):
        port, admin = free_port(), free_port()
        self.start_proxflow(site(port, "v0", admin), wait_port=port)
        result = []
        load = threading.Thread(target=wrk, args=(port, 5, result))
        load.start()
        for version in range(1, 7):
            time.sleep(0.5)
            status, _, body = http("POST", f"http://127.0.0.1:{admin}/load", json.dumps(site(port, f"v{version}", admin)).encode(),
                                   {"Content-Type": "application/json"})
            self.assertEqual(status, 200, body)
            self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[2], f"v{version}".encode())
        load.join()
        self.assert_clean_wrk(result[0])

    def test_watch_reloads_on_file_change_and_ignores_a_bad_edit(self):
        port = free_port()
        proc = self.start_proxflow(site(port, "first"), wait_port=port, extra_args=["--watch"])
        result = []
        load = threading.Thread(target=wrk, args=(port, 4, result))
        load.start()
        time.sleep(0.5)
        with open(proc.config_path, "w") as f:
            json.dump(site(port, "second"), f)
        wait_until(lambda: http("GET", f"http://127.0.0.1:{port}/")[2] == b"second", what="watched reload")
        with open(proc.config_path, "w") as f:
            f.write("{ not json")
        wait_until(lambda: "not reloaded" in log_of(proc), what="bad edit reported")
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[2], b"second")
        load.join()
        self.assert_clean_wrk(result[0])

    def test_listeners_come_and_go_with_the_config(self):
        port, other, admin = free_port(), free_port(), free_port()
        self.start_proxflow(site(port, "a", admin), wait_port=port)
        moved = site(other, "b", admin)
        self.assertEqual(http("POST", f"http://127.0.0.1:{admin}/load", json.dumps(moved).encode(),
                              {"Content-Type": "application/json"})[0], 200)
        self.assertEqual(http("GET", f"http://127.0.0.1:{other}/")[2], b"b")
        wait_until(lambda: not port_open(port), what="old listener closed")

    def test_sigterm_lets_an_in_flight_request_finish(self):
        backend = self.start_backend("named", "slow")
        port = free_port()
        proc = self.start_proxflow(proxy_config(port, [reverse_proxy(backend.port)]), wait_port=port)
        answers = []
        t = threading.Thread(target=lambda: answers.append(http("GET", f"http://127.0.0.1:{port}/slow?ms=1500")[0]))
        t.start()
        time.sleep(0.4)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(10), 0)
        t.join()
        self.assertEqual(answers, [200])

    def test_post_stop_stops_the_process(self):
        port, admin = free_port(), free_port()
        proc = self.start_proxflow(site(port, "x", admin), wait_port=port)
        self.assertEqual(http("POST", f"http://127.0.0.1:{admin}/stop")[0], 200)
        self.assertEqual(proc.wait(10), 0)


class AdminApi(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.port, self.admin = free_port(), free_port()
        self.proc = self.start_proxflow(site(self.port, "hello", self.admin), wait_port=self.port)

    def call(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        status, _, raw = http(method, f"http://127.0.0.1:{self.admin}{path}", data, h)
        return status, json.loads(raw) if raw.strip() else None

    def test_get_config_and_nested_paths(self):
        status, config = self.call("GET", "/config/")
        self.assertEqual(status, 200)
        self.assertEqual(config["apps"]["http"]["servers"]["srv0"]["listen"], [f"127.0.0.1:{self.port}"])
        self.assertEqual(self.call("GET", "/config/apps/http/servers/srv0/routes/0/handle/0/body"), (200, "hello"))

    def test_path_edits_change_what_is_served(self):
        route = "/config/apps/http/servers/srv0/routes"
        self.assertEqual(self.call("PATCH", route + "/0/handle/0/body", "patched")[0], 200)
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/")[2], b"patched")
        self.assertEqual(self.call("PUT", route + "/0", {"match": [{"path": ["/new"]}],
                                                        "handle": [{"handler": "static_response", "body": "new"}]})[0], 200)
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/new")[2], b"new")
        self.assertEqual(self.call("DELETE", route + "/0")[0], 200)
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/new")[2], b"patched")
        self.assertEqual(self.call("POST", route, {"handle": [{"handler": "static_response", "body": "tail"}]})[0], 200)
        self.assertEqual(len(self.call("GET", route)[1]), 2)

    def test_an_invalid_change_is_refused_with_its_path_and_the_old_config_keeps_serving(self):
        status, error = self.call("PATCH", "/config/apps/http/servers/srv0/routes/0/handle/0", {"handler": "static_response", "bodyy": "x"})
        self.assertEqual(status, 400)
        self.assertIn("apps.http.servers.srv0.routes[0].handle[0].bodyy", error["error"])
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/")[2], b"hello")

    def test_foreign_host_or_origin_is_forbidden(self):
        self.assertEqual(self.call("GET", "/config/", headers={"Host": "evil.example"})[0], 403)
        self.assertEqual(self.call("GET", "/config/", headers={"Origin": "http://evil.example"})[0], 403)

    def test_load_accepts_a_caddyfile(self):
        caddyfile = f"{{\n\tadmin 127.0.0.1:{self.admin}\n}}\n\nhttp://127.0.0.1:{self.port} {{\n\tbind 127.0.0.1\n\trespond \"from caddyfile\"\n}}\n"
        status, _ = self.call("POST", "/load", caddyfile.encode(), {"Content-Type": "text/caddyfile"})
        self.assertEqual(status, 200)
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/")[2], b"from caddyfile")

    def test_admin_can_be_disabled(self):
        port = free_port()
        config = site(port, "x")  # admin disabled by proxy_config without admin_port
        self.start_proxflow(config, wait_port=port, name="noadmin")
        self.assertEqual(config["admin"], {"disabled": True})
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[0], 200)


class Cli(harness.ProxyTestCase):
    def test_version_and_help(self):
        r = self.run_proxflow("version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^proxflow v\d+\.\d+\.\d+")
        for command in ("run", "adapt", "validate", "reverse-proxy"):
            self.assertEqual(self.run_proxflow(command, "--help").returncode, 0, command)

    def test_usage_errors_exit_2(self):
        self.assertEqual(self.run_proxflow("frobnicate").returncode, 2)
        self.assertEqual(self.run_proxflow("run", "--no-such-flag").returncode, 2)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_adapt_and_validate(self):
        path = self.write("Caddyfile", ":8080 {\n\treverse_proxy 127.0.0.1:9000 127.0.0.1:9001 {\n\t\tlb_policy round_robin\n\t}\n}\n")
        r = self.run_proxflow("adapt", "--config", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        handler = json.loads(r.stdout)["apps"]["http"]["servers"]["srv0"]["routes"][0]["handle"][0]
        self.assertEqual(handler["load_balancing"]["selection_policy"], {"policy": "round_robin"})
        self.assertEqual(self.run_proxflow("validate", "--config", path).returncode, 0)

    def test_config_errors_exit_1_and_say_where(self):
        cases = [
            ("bad.json", json.dumps(proxy_config(8080, [{"handler": "reverse_proxy", "upstreams": [{"dialx": "a:1"}]}])),
             "apps.http.servers.srv0.routes[0].handle[0].upstreams[0].dialx"),
            ("handler.json", json.dumps(proxy_config(8080, [{"handler": "teleport"}])), "handle[0].handler"),
            ("listen.json", json.dumps({"apps": {"http": {"servers": {"s": {"listen": ["999.1.1.1:80"]}}}}}), "apps.http.servers.s.listen[0]"),
            ("upstream.json", json.dumps(proxy_config(8080, [{"handler": "reverse_proxy", "upstreams": [{"dial": "nope"}]}])),
             "apps.http.servers.srv0.routes[0].handle[0].upstreams[0].dial: invalid upstream address"),
            ("Caddyfile", ":8080 {\n\trespnd \"x\"\n}\n", "Caddyfile:2: unrecognized directive: respnd (did you mean 'respond'?)"),
            ("unclosed.caddyfile", ":8080 {\n\thandle /a {\n\t\trespond x\n}\n", "unclosed.caddyfile:1"),
        ]
        for name, text, where in cases:
            with self.subTest(name=name):
                r = self.run_proxflow("validate", "--config", self.write(name, text))
                self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                self.assertIn(where, r.stderr)

    def test_a_busy_listen_address_is_a_config_error(self):
        port = free_port()
        self.start_proxflow(site(port, "x"), wait_port=port, name="first")
        r = subprocess.run([harness.PROXFLOW, "run", "--config", self.write("second.json", json.dumps(site(port, "y")))],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"cannot listen on 127.0.0.1:{port}", r.stderr)

    def test_reverse_proxy_command_round_robins(self):
        a, b = self.start_backend("named", "a"), self.start_backend("named", "b")
        port = free_port()
        self.procs.start("rp", [harness.PROXFLOW, "reverse-proxy", "--from", f"127.0.0.1:{port}",
                                "--to", f"127.0.0.1:{a.port}", "--to", f"127.0.0.1:{b.port}"])
        wait_until(lambda: port_open(port), what="reverse-proxy listening")
        seen = [http("GET", f"http://127.0.0.1:{port}/")[1]["X-Backend"] for _ in range(4)]
        self.assertEqual(sorted(seen), ["a", "a", "b", "b"])

    def test_run_picks_up_a_caddyfile_in_the_working_folder(self):
        port = free_port()
        self.write("Caddyfile", f"{{\n\tadmin off\n}}\nhttp://127.0.0.1:{port} {{\n\tbind 127.0.0.1\n\trespond \"here\"\n}}\n")
        self.procs.start("cwd", [harness.PROXFLOW, "run"], cwd=self.tmp)
        wait_until(lambda: port_open(port), what="Caddyfile served")
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[2], b"here")


class AccessLog(harness.ProxyTestCase):
    def test_each_request_writes_one_json_line(self):
        port = free_port()
        path = os.path.join(self.tmp, "access.log")
        config = site(port, "x")
        config["apps"]["http"]["servers"]["srv0"]["logs"] = {}
        config["logging"] = {"logs": {"default": {"writer": {"output": "file", "filename": path}}}}
        self.start_proxflow(config, wait_port=port)
        for i in range(3):
            http("GET", f"http://127.0.0.1:{port}/p{i}?q=1")
        wait_until(lambda: os.path.exists(path) and len(open(path).readlines()) == 3, what="three log lines")
        lines = [json.loads(l) for l in open(path)]
        self.assertEqual([l["request"]["uri"] for l in lines], ["/p0?q=1", "/p1?q=1", "/p2?q=1"])
        self.assertTrue(all(l["status"] == 200 and l["request"]["method"] == "GET" and l["duration"] >= 0 and l["size"] > 0
                            for l in lines))

    def test_no_logs_block_writes_nothing(self):
        port = free_port()
        self.start_proxflow(site(port, "x"), wait_port=port)
        http("GET", f"http://127.0.0.1:{port}/")
        self.assertFalse(any(name.endswith(".log") and "access" in name for name in os.listdir(self.tmp)))


if __name__ == "__main__":
    unittest.main()
