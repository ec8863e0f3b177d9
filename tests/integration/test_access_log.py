"""Access logs as Caddy writes them: a server with `logs` writes one JSON line per request (method, uri,
status, duration, size) to the file writer of logging.logs; without `logs` no access line is written."""
import json
import os
import re
import subprocess
import threading
import unittest
from http.client import HTTPConnection

import harness
from harness import free_port, http, proxy_config, reverse_proxy, wait_until


def routes_for(backend_port):
    return [
        {"match": [{"path": ["/missing"]}], "handle": [{"handler": "static_response", "status_code": 404, "body": "no"}],
         "terminal": True},
        {"match": [{"path": ["/static"]}], "handle": [{"handler": "static_response", "body": "twelve bytes"}],
         "terminal": True},
        {"handle": [reverse_proxy(backend_port)]},
    ]


def stderr_access_lines(proxy):
    """The access lines among what proxflow wrote to stderr (other loggers, e.g. the TLS storage
    cleaner's, write there too, as Caddy's do)."""
    lines = (json.loads(l) for l in harness.log_of(proxy).splitlines() if l.startswith("{"))
    return [line for line in lines if line.get("logger", "").startswith("http.log.access")]


class AccessLog(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.log_path = os.path.join(self.tmp, "access.log")
        self.backend = self.start_backend("named", "logged")
        self.port = free_port()

    def start(self, server_logs=True, logging=True, logs=None):
        config = proxy_config(self.port, None, routes=routes_for(self.backend.port),
                              server_extra={"logs": logs if logs is not None else {}} if server_logs else None)
        if logging:
            config["logging"] = {"logs": {"default": {"writer": {"output": "file", "filename": self.log_path}}}}
        return self.start_proxflow(config, wait_port=self.port)

    def lines(self, path=None):
        path = path or self.log_path
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f.read().splitlines()]

    def wait_for_lines(self, n, path=None):
        wait_until(lambda: len(self.lines(path)) >= n, timeout=5, what=f"{n} access log lines")
        return self.lines(path)

    def test_each_request_writes_one_json_line_with_method_uri_status_duration_and_size(self):
        self.start()
        status, _, body = http("GET", f"http://127.0.0.1:{self.port}/static")
        self.assertEqual((status, body), (200, b"twelve bytes"))
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/missing")[0], 404)
        status, _, proxied = http("POST", f"http://127.0.0.1:{self.port}/up/path?q=1&r=two", body=b"data")
        self.assertEqual(status, 200)
        lines = self.wait_for_lines(3)
        self.assertEqual(len(lines), 3, lines)
        static, missing, post = lines
        self.assertEqual((static["request"]["method"], static["request"]["uri"], static["status"], static["size"]),
                         ("GET", "/static", 200, 12))
        self.assertEqual((missing["request"]["method"], missing["request"]["uri"], missing["status"], missing["size"]),
                         ("GET", "/missing", 404, 2))
        self.assertEqual((post["request"]["method"], post["request"]["uri"], post["status"], post["size"]),
                         ("POST", "/up/path?q=1&r=two", 200, len(proxied)))
        for line in lines:
            self.assertIsInstance(line["duration"], float)
            self.assertGreaterEqual(line["duration"], 0)
            self.assertEqual(line["msg"], "handled request")
            self.assertEqual(line["logger"], "http.log.access")
            self.assertEqual(line["request"]["remote_ip"], "127.0.0.1")

    def test_duration_measures_the_whole_request_in_seconds(self):
        self.start()
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/slow?ms=400")[0], 200)
        (line,) = self.wait_for_lines(1)
        self.assertGreaterEqual(line["duration"], 0.4)
        self.assertLess(line["duration"], 5)

    def test_an_upstream_error_is_logged_with_its_status(self):
        dead = free_port()
        config = proxy_config(self.port, [reverse_proxy(dead)], server_extra={"logs": {}},
                              top_extra={"logging": {"logs": {"default": {"writer": {"output": "file",
                                                                                     "filename": self.log_path}}}}})
        self.start_proxflow(config, wait_port=self.port)
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/down")[0], 502)
        (line,) = self.wait_for_lines(1)
        self.assertEqual((line["request"]["uri"], line["status"]), ("/down", 502))

    def test_concurrent_keep_alive_requests_write_whole_lines_one_per_request(self):
        self.start()
        errors = []

        def client(n):
            try:
                conn = HTTPConnection("127.0.0.1", self.port, timeout=10)
                for i in range(50):
                    conn.request("GET", f"/static?client={n}&i={i}")
                    res = conn.getresponse()
                    res.read()
                    if res.status != 200:
                        errors.append(res.status)
                conn.close()
            except Exception as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(errors, [])
        lines = self.wait_for_lines(400)  # every line parses as JSON: none interleaved
        self.assertEqual(len(lines), 400)
        self.assertEqual(len({line["request"]["uri"] for line in lines}), 400)

    def test_a_named_logger_goes_to_the_log_that_includes_it(self):
        other = os.path.join(self.tmp, "site.log")
        config = proxy_config(self.port, None, routes=routes_for(self.backend.port),
                              server_extra={"logs": {"default_logger_name": "site"}})
        config["logging"] = {"logs": {
            "default": {"writer": {"output": "file", "filename": self.log_path}, "exclude": ["http.log.access.site"]},
            "site": {"writer": {"output": "file", "filename": other}, "include": ["http.log.access.site"]}}}
        self.start_proxflow(config, wait_port=self.port)
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/static")[0], 200)
        (line,) = self.wait_for_lines(1, other)
        self.assertEqual((line["logger"], line["request"]["uri"]), ("http.log.access.site", "/static"))
        self.assertEqual(self.lines(), [])

    def test_a_filter_encoder_deletes_replaces_hashes_renames_and_masks_fields_as_caddy(self):
        config = proxy_config(self.port, None, routes=routes_for(self.backend.port), server_extra={"logs": {}})
        config["logging"] = {"logs": {"default": {
            "writer": {"output": "file", "filename": self.log_path},
            "encoder": {"format": "filter", "wrap": {"format": "json"}, "fields": {
                "request>headers>Authorization": {"filter": "replace", "value": "REDACTED"},
                "request>headers>X-Secret": {"filter": "delete"},
                "request>headers>X-Token": {"filter": "hash"},
                "request>method": {"filter": "rename", "name": "verb"},
                "request>remote_ip": {"filter": "ip_mask", "ipv4_cidr": 16},
                "request>headers>X-Forwarded-For": {"filter": "ip_mask", "ipv4_cidr": 24, "ipv6_cidr": 32}}}}}}
        self.start_proxflow(config, wait_port=self.port)
        headers = {"Authorization": "Basic c2VjcmV0", "X-Secret": "s", "X-Token": "abc",
                   "X-Forwarded-For": "10.1.2.3, [2001:db8:1:2::5]:443, not-an-ip"}
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/static", headers=headers)[0], 200)
        (line,) = self.wait_for_lines(1)
        request = line["request"]
        self.assertEqual(request["headers"]["Authorization"], "REDACTED")
        self.assertNotIn("X-Secret", request["headers"])
        self.assertEqual(request["headers"]["X-Token"], ["ba7816bf"])  # sha256("abc"), first 4 bytes
        self.assertEqual((request["verb"], "method" in request), ("GET", False))
        self.assertEqual(request["remote_ip"], "127.0.0.0")
        self.assertEqual(request["headers"]["X-Forwarded-For"], ["10.1.2.0, [2001:db8::]:443, not-an-ip"])

    def assert_refused(self, default_log, where, why="not supported by ProxFlow yet"):
        config = proxy_config(self.port, None, routes=routes_for(self.backend.port), server_extra={"logs": {}})
        config["logging"] = {"logs": {"default": default_log}}
        path = os.path.join(self.tmp, "refused.json")
        with open(path, "w") as f:
            json.dump(config, f)
        result = subprocess.run([harness.PROXFLOW, "validate", "--config", path], capture_output=True, text=True)
        self.assertEqual(result.returncode, 1, result)
        self.assertIn(where + ": ", result.stderr)
        self.assertIn(why, result.stderr)

    def test_what_the_logging_app_cannot_run_is_refused_at_its_path(self):
        self.assert_refused({"include": ["http.log.access.site", "tls"]}, "logging.logs.default.include[1]")
        self.assert_refused({"sampling": {"interval": 1}}, "logging.logs.default.sampling")

    def test_log_encoders_proxflow_cannot_run_are_refused_at_their_path(self):
        where = "logging.logs.default.encoder"
        self.assert_refused({"encoder": {"format": "filter", "wrap": {"format": "json"},
                                         "fields": {"uri": {"filter": "query", "actions": []}}}}, where + ".fields.uri.filter")
        self.assert_refused({"encoder": {"format": "json", "time_format": "iso8601"}}, where + ".time_format")
        self.assert_refused({"encoder": {"format": "filter", "fields": {}}}, where + ".wrap", 'missing "wrap"')

    def test_without_a_logging_writer_access_lines_go_to_stderr(self):
        proxy = self.start(logging=False)
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/static?to=stderr")[0], 200)

        def access_lines():
            return stderr_access_lines(proxy)

        wait_until(lambda: len(access_lines()) == 1, what="the access line on stderr")
        self.assertEqual(access_lines()[0]["request"]["uri"], "/static?to=stderr")
        self.assertFalse(os.path.exists(self.log_path))

    def test_a_head_request_logs_no_body_bytes(self):
        self.start()
        self.assertEqual(http("HEAD", f"http://127.0.0.1:{self.port}/static")[0], 200)
        (line,) = self.wait_for_lines(1)
        self.assertEqual((line["request"]["method"], line["status"], line["size"]), ("HEAD", 200, 0))

    def test_without_a_logs_block_no_access_line_is_written(self):
        # srv0 has no logs block; srv1, in the same process and logging config, does: its line proves
        # the log is live, and srv0's requests (answered before it) left nothing.
        logged_port = free_port()
        config = proxy_config(self.port, None, routes=routes_for(self.backend.port))
        config["apps"]["http"]["servers"]["srv1"] = {"listen": [f"127.0.0.1:{logged_port}"], "logs": {},
                                                     "routes": routes_for(self.backend.port)}
        config["logging"] = {"logs": {"default": {"writer": {"output": "file", "filename": self.log_path}}}}
        self.start_proxflow(config, wait_port=self.port)
        for _ in range(5):
            self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/static")[0], 200)
        self.assertEqual(http("GET", f"http://127.0.0.1:{logged_port}/static?logged")[0], 200)
        lines = self.wait_for_lines(1)
        self.assertEqual([line["request"]["uri"] for line in lines], ["/static?logged"])

    def test_a_reload_after_the_log_was_moved_away_writes_a_new_file(self):
        admin = free_port()
        config = proxy_config(self.port, None, routes=routes_for(self.backend.port), admin_port=admin,
                              server_extra={"logs": {}})
        config["logging"] = {"logs": {"default": {"writer": {"output": "file", "filename": self.log_path}}}}
        self.start_proxflow(config, wait_port=self.port)
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/static?before")[0], 200)
        self.wait_for_lines(1)
        os.rename(self.log_path, self.log_path + ".1")  # as logrotate does
        status, _, body = http("POST", f"http://127.0.0.1:{admin}/load", body=json.dumps(config).encode(),
                               headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, body)
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/static?after")[0], 200)
        self.assertEqual([l["request"]["uri"] for l in self.wait_for_lines(1)], ["/static?after"])
        self.assertEqual([l["request"]["uri"] for l in self.lines(self.log_path + ".1")], ["/static?before"])

    def test_without_logs_or_logging_no_file_is_written(self):
        self.start(server_logs=False, logging=False)
        for _ in range(5):
            self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/static")[0], 200)
        self.assertFalse(os.path.exists(self.log_path))
        self.assertEqual(sorted(f for f in os.listdir(self.tmp) if f.endswith(".log") and "access" in f), [])


    def start_rolling(self, **writer):
        config = proxy_config(self.port, None, routes=routes_for(self.backend.port), server_extra={"logs": {}})
        config["logging"] = {"logs": {"default": {"writer": dict(
            {"output": "file", "filename": self.log_path, "roll_size_mb": 1}, **writer)}}}
        self.start_proxflow(config, wait_port=self.port)

    def log_megabytes(self, megabytes):
        """Requests whose access lines (a 16 KiB header each) add up to about `megabytes` MiB; returns
        how many were sent, each with its number in the URI."""
        conn = HTTPConnection("127.0.0.1", self.port, timeout=10)
        count = megabytes * 64
        for i in range(count):
            conn.request("GET", f"/static?n={i}", headers={"X-Pad": "p" * 16384})
            self.assertEqual(conn.getresponse().read(), b"twelve bytes")
        conn.close()
        return count

    def backups(self):
        return sorted(f for f in os.listdir(self.tmp) if re.fullmatch(r"access-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}\.log(\.gz)?", f))

    def test_a_file_log_rolls_at_its_size_and_keeps_the_newest_backups_gzipped(self):
        import gzip
        self.start_rolling(roll_keep=2)
        sent = self.log_megabytes(4)
        wait_until(lambda: len(self.backups()) == 2 and all(f.endswith(".gz") for f in self.backups()),
                   timeout=10, what="two gzipped backups")
        self.assertLessEqual(os.path.getsize(self.log_path), 1024 * 1024)
        numbers = []
        for name in self.backups() + [None]:
            if name:
                with gzip.open(os.path.join(self.tmp, name), "rt") as f:
                    text = f.read()
            else:
                with open(self.log_path) as f:
                    text = f.read()
            numbers += [int(json.loads(line)["request"]["uri"].split("=")[1]) for line in text.splitlines()]
        # Backups in time order, then the live file: the newest lines, whole and in sequence.
        self.assertEqual(numbers, list(range(sent - len(numbers), sent)))
        self.assertGreater(len(numbers), sent // 2)

    def test_roll_disabled_or_uncompressed_are_obeyed(self):
        self.start_rolling(roll_gzip=False)
        self.log_megabytes(3)
        wait_until(lambda: len(self.backups()) >= 2, timeout=10, what="backups")
        self.assertTrue(all(f.endswith(".log") for f in self.backups()), self.backups())
        self.procs.stop_all()
        for f in self.backups():
            os.remove(os.path.join(self.tmp, f))
        os.remove(self.log_path)
        self.start_rolling(roll=False)
        self.log_megabytes(2)
        wait_until(lambda: os.path.getsize(self.log_path) > 2 * 1024 * 1024, timeout=5, what="one growing file")
        self.assertEqual(self.backups(), [])



class CaddyfileLogs(harness.ProxyTestCase):
    """The Caddyfile's `log` and `skip_log`, adapted as Caddy does and then obeyed by the engine."""

    def lines(self, path):
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f.read().splitlines()]

    def get(self, port, path, host):
        return http("GET", f"http://127.0.0.1:{port}{path}", headers={"Host": host})[0]

    def test_each_site_log_writes_its_own_file_and_the_default_log_gets_neither(self):
        port = free_port()
        a_log, b_log, default_log = (os.path.join(self.tmp, n) for n in ("a.log", "b.log", "default.log"))
        self.start_proxflow(f"""{{
	admin off
}}
(logging) {{
	log {{
		output file {self.tmp}/{{args.0}}.log
	}}
}}
http://a.test:{port} {{
	bind 127.0.0.1
	import logging a
	respond "site a"
}}
http://b.test:{port} {{
	bind 127.0.0.1
	import logging b
	respond "site b"
}}
""", caddyfile=True, wait_port=port)
        for path in ("/one", "/two"):
            self.assertEqual(self.get(port, path, f"a.test:{port}"), 200)
        self.assertEqual(self.get(port, "/three", f"b.test:{port}"), 200)
        wait_until(lambda: len(self.lines(a_log)) == 2 and len(self.lines(b_log)) == 1, what="a.log and b.log lines")
        self.assertEqual([l["request"]["uri"] for l in self.lines(a_log)], ["/one", "/two"])
        self.assertEqual({l["logger"] for l in self.lines(a_log)}, {"http.log.access.log0"})
        self.assertEqual([(l["logger"], l["request"]["uri"]) for l in self.lines(b_log)], [("http.log.access.log1", "/three")])
        self.assertFalse(os.path.exists(default_log))

    def test_file_roll_options_adapt_as_real_caddy_reads_them_and_export_back(self):
        path = os.path.join(self.tmp, "Caddyfile")
        with open(path, "w") as f:
            f.write(":8080 {\n\tlog {\n\t\toutput file /var/log/site.log {\n\t\t\troll_size 1040KB\n"
                    "\t\t\troll_keep 3\n\t\t\troll_keep_for 36h\n\t\t\troll_uncompressed\n\t\t\troll_local_time\n"
                    "\t\t}\n\t}\n}\n")
        home = os.path.join(self.tmp, "home")
        os.makedirs(home, exist_ok=True)
        caddy = json.loads(subprocess.run(["caddy", "adapt", "--config", path], capture_output=True, text=True, check=True,
                                          env=dict(os.environ, HOME=home)).stdout)
        ours = self.run_proxflow("adapt", "--config", path)
        self.assertEqual(ours.returncode, 0, ours.stderr)
        self.assertEqual(json.loads(ours.stdout), caddy)
        self.assertEqual(caddy["logging"]["logs"]["log0"]["writer"]["roll_size_mb"], 1)  # MiB, rounded up
        config = os.path.join(self.tmp, "config.json")
        with open(config, "w") as f:
            f.write(ours.stdout)
        exported = self.run_proxflow("export", "--config", config)
        self.assertEqual(exported.returncode, 0, exported.stderr)
        with open(path, "w") as f:
            f.write(exported.stdout)
        again = subprocess.run(["caddy", "adapt", "--config", path], capture_output=True, text=True, check=True,
                               env=dict(os.environ, HOME=home)).stdout
        self.assertEqual(json.loads(again), caddy)

    def start_beside_catch_all(self, port, localhost_directives):
        """http://localhost:PORT with the given directives and `respond 200`, beside a catch-all :PORT that answers 418."""
        return self.start_proxflow(f"""{{
	admin off
}}
http://localhost:{port} {{
	bind 127.0.0.1
{localhost_directives}
	respond 200
}}
:{port} {{
	bind 127.0.0.1
	respond 418
}}
""", caddyfile=True, wait_port=port)

    def test_skip_log_and_a_catch_all_site_without_log_are_not_logged(self):
        port = free_port()
        log_path = os.path.join(self.tmp, "access.log")
        self.start_beside_catch_all(port, f"""	log {{
		output file {log_path}
	}}
	skip_log /hidden*""")
        self.assertEqual(self.get(port, "/shown", f"localhost:{port}"), 200)
        self.assertEqual(self.get(port, "/hidden/page", f"localhost:{port}"), 200)
        self.assertEqual(self.get(port, "/other-host", f"elsewhere.test:{port}"), 418)
        self.assertEqual(self.get(port, "/last", f"localhost:{port}"), 200)
        wait_until(lambda: len(self.lines(log_path)) >= 2, what="two access lines")
        self.assertEqual([l["request"]["uri"] for l in self.lines(log_path)], ["/shown", "/last"])

    def test_a_bare_log_on_a_site_beside_a_catch_all_logs_only_that_site(self):
        port = free_port()
        proxy = self.start_beside_catch_all(port, "\tlog")
        self.assertEqual(self.get(port, "/mapped", f"localhost:{port}"), 200)
        self.assertEqual(self.get(port, "/unmapped", f"elsewhere.test:{port}"), 418)
        self.assertEqual(self.get(port, "/mapped-again", f"localhost:{port}"), 200)

        def access_uris():
            return [line["request"]["uri"] for line in stderr_access_lines(proxy)]

        wait_until(lambda: len(access_uris()) >= 2, what="two access lines on stderr")
        self.assertEqual(access_uris(), ["/mapped", "/mapped-again"])


    def test_format_console_writes_caddys_console_lines(self):
        port = free_port()
        log_path = os.path.join(self.tmp, "console.log")
        self.start_proxflow(f"""{{
	admin off
}}
http://127.0.0.1:{port} {{
	bind 127.0.0.1
	log {{
		output file {log_path}
		format console
	}}
	respond "hi"
}}
""", caddyfile=True, wait_port=port)
        self.assertEqual(self.get(port, "/console?x=1", f"127.0.0.1:{port}"), 200)
        wait_until(lambda: os.path.exists(log_path) and open(log_path).read().endswith("\n"), what="a console line")
        (line,) = open(log_path).read().splitlines()
        m = re.match(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{3}\tINFO\thttp\.log\.access\.log0\thandled request\t(\{.*\})$", line)
        self.assertIsNotNone(m, line)
        fields = json.loads(m.group(1))
        self.assertEqual((fields["request"]["uri"], fields["status"], fields["size"]), ("/console?x=1", 200, 2))


if __name__ == "__main__":
    unittest.main()
