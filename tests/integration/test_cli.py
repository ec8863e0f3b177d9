"""The proxflow command line as Caddy's: subcommands, their --help, exit codes (0 ok, 1 config error,
2 usage error), adapt and validate, the reverse-proxy quick start and ./Caddyfile as the default config."""
import collections
import http.client as http_client
import json
import os
import re
import socket
import ssl
import subprocess
import unittest

import harness
from harness import free_port, http, port_open, wait_until

SUBCOMMANDS = ("run", "adapt", "validate", "reverse-proxy")


def caddyfile(port, body, admin="off"):
    return f"{{\n\tadmin {admin}\n}}\nhttp://127.0.0.1:{port} {{\n\tbind 127.0.0.1\n\trespond \"{body}\"\n}}\n"


class Cli(harness.ProxyTestCase):
    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text if isinstance(text, str) else json.dumps(text))
        return path

    # --- version, help, usage errors ---------------------------------------------------------------
    def test_version_prints_the_version_and_exits_0(self):
        for arg in ("version", "--version"):
            with self.subTest(arg=arg):
                res = self.run_proxflow(arg)
                self.assertEqual(res.returncode, 0, res.stderr)
                self.assertRegex(res.stdout, r"^proxflow v\d+\.\d+\.\d+\S*\n$")

    def test_allocations_go_through_mimalloc(self):
        # The request path's speed counts on it (docs/dependencies.md); a link-order change would
        # silently hand malloc back to glibc.
        res = self.run_proxflow("version", env={**os.environ, "MIMALLOC_SHOW_STATS": "1"})
        self.assertEqual(res.returncode, 0, res.stderr)
        touched = re.search(r"^ *touched: +([\d.]+) (KiB|MiB)", res.stderr, re.M)
        self.assertIsNotNone(touched, res.stderr)
        self.assertGreater(float(touched.group(1)), 0)

    def test_every_subcommand_has_help_that_exits_0(self):
        for command in SUBCOMMANDS:
            with self.subTest(command=command):
                res = self.run_proxflow(command, "--help")
                self.assertEqual(res.returncode, 0, res.stderr)
                self.assertTrue(res.stdout.startswith(f"Usage: proxflow {command}"), res.stdout)
                self.assertEqual(res.stderr, "")
        res = self.run_proxflow("version", "--help")
        self.assertEqual(res.returncode, 0, res.stderr)

    def test_top_level_help_lists_the_commands_and_exits_0(self):
        for arg in ("--help", "-h", "help"):
            with self.subTest(arg=arg):
                res = self.run_proxflow(arg)
                self.assertEqual(res.returncode, 0)
                for command in SUBCOMMANDS + ("version",):
                    self.assertRegex(res.stdout, rf"\n  {re.escape(command)} ")

    def test_no_command_is_a_usage_error(self):
        res = self.run_proxflow()
        self.assertEqual(res.returncode, 2)
        self.assertIn("Usage: proxflow <command>", res.stderr)

    def test_an_unknown_command_is_a_usage_error_exit_2(self):
        res = self.run_proxflow("frobnicate")
        self.assertEqual(res.returncode, 2)
        self.assertIn('unknown command "frobnicate"', res.stderr)
        self.assertEqual(res.stdout, "")

    def test_an_unknown_flag_is_a_usage_error_exit_2_for_every_subcommand(self):
        for command in SUBCOMMANDS:
            with self.subTest(command=command):
                res = self.run_proxflow(command, "--bogus-flag")
                self.assertEqual(res.returncode, 2, res.stderr)
                self.assertIn("unknown flag --bogus-flag", res.stderr)
                self.assertIn(f"Usage: proxflow {command}", res.stderr)

    def test_a_flag_without_its_value_or_a_bad_value_is_a_usage_error(self):
        for args in (("validate", "--config"), ("run", "--threads", "many", "--config",
                                                     self.write("ok.json", {"admin": {"disabled": True}})),
                     ("reverse-proxy", "--from", "127.0.0.1:1"), ("run", "stray-argument")):
            with self.subTest(args=args):
                res = self.run_proxflow(*args)
                self.assertEqual(res.returncode, 2, res.stderr)

    # --- adapt and validate ------------------------------------------------------------------------
    def test_adapt_prints_the_json_a_caddyfile_adapts_to(self):
        path = self.write("site.caddyfile", caddyfile(8123, "hello"))
        res = self.run_proxflow("adapt", "--config", path)
        self.assertEqual(res.returncode, 0, res.stderr)
        config = json.loads(res.stdout)
        self.assertEqual(config["admin"], {"disabled": True})
        self.assertEqual(config["apps"]["http"]["servers"]["srv0"]["listen"], ["127.0.0.1:8123"])
        self.assertIn('"body":"hello"', res.stdout.replace(" ", ""))
        self.assertEqual(res.stdout.count("\n"), 1, "without --pretty the JSON is one line")

    def test_adapt_pretty_indents_the_same_json(self):
        path = self.write("site.caddyfile", caddyfile(8123, "hello"))
        plain = json.loads(self.run_proxflow("adapt", "--config", path).stdout)
        res = self.run_proxflow("adapt", "--config", path, "--pretty")
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertGreater(res.stdout.count("\n"), 10)
        self.assertEqual(json.loads(res.stdout), plain)

    def test_adapt_validate_fails_on_a_config_that_adapts_but_does_not_validate(self):
        path = self.write("Caddyfile", "http://127.0.0.1:8123 {\n\treverse_proxy 127.0.0.1:notaport\n}\n")
        res = self.run_proxflow("adapt", "--config", path, "--validate")
        self.assertEqual(res.returncode, 1, res.stdout)
        self.assertIn("notaport", res.stderr)

    def test_validate_accepts_a_good_config_with_exit_0(self):
        for name, text in (("good.json", harness.proxy_config(8123, [harness.reverse_proxy(8124)])),
                           ("good.caddyfile", caddyfile(8123, "hello"))):
            with self.subTest(name=name):
                res = self.run_proxflow("validate", "--config", self.write(name, text))
                self.assertEqual(res.returncode, 0, res.stderr)
                self.assertIn("Valid configuration", res.stdout)

    def test_validate_rejects_a_bad_config_with_exit_1(self):
        bad = harness.proxy_config(8123, [{"handler": "static_response", "status_code": "not a status"}])
        res = self.run_proxflow("validate", "--config", self.write("bad.json", bad))
        self.assertEqual(res.returncode, 1)
        self.assertIn("apps.http.servers.srv0.routes[0].handle[0].status_code", res.stderr)
        res = self.run_proxflow("validate", "--config", self.write("broken.json", "{\"apps\": "))
        self.assertEqual(res.returncode, 1)
        self.assertIn("invalid JSON", res.stderr)

    def test_a_missing_config_file_is_exit_1_for_validate_and_run(self):
        for command in ("validate", "run", "adapt"):
            with self.subTest(command=command):
                res = self.run_proxflow(command, "--config", os.path.join(self.tmp, "absent.json"))
                self.assertEqual(res.returncode, 1, res.stderr)
                self.assertIn("absent.json", res.stderr)

    def test_run_with_adapter_caddyfile_reads_a_file_of_any_name_with_the_threads_asked(self):
        port = free_port()
        path = self.write("site.conf", caddyfile(port, "adapted"))
        proxy = self.procs.start("proxflow-adapter", [harness.PROXFLOW, "run", "--config", path,
                                                      "--adapter", "caddyfile", "--threads", "3"])
        wait_until(lambda: proxy.poll() is None and port_open(port), what="proxflow to serve site.conf")
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[2], b"adapted")
        # The engine's design: one event loop thread per --threads, one background loop (admin API,
        # health checks) and the main thread; 3 differs from the default of one per core here.
        threads = len(os.listdir(f"/proc/{proxy.pid}/task"))
        self.assertEqual(threads, 3 + 2, "three event loops, the background loop and the main thread")

    def test_an_unknown_adapter_is_a_usage_error(self):
        res = self.run_proxflow("validate", "--config", self.write("x.yaml", "a: 1"), "--adapter", "yaml")
        self.assertEqual(res.returncode, 2)
        self.assertIn("yaml", res.stderr)

    # --- ./Caddyfile as the default ----------------------------------------------------------------
    def test_run_without_config_serves_the_caddyfile_in_the_working_directory(self):
        port = free_port()
        self.write("Caddyfile", caddyfile(port, "from ./Caddyfile"))
        proxy = self.procs.start("proxflow-cwd", [harness.PROXFLOW, "run"], cwd=self.tmp)
        wait_until(lambda: proxy.poll() is None and port_open(port), what="proxflow to serve ./Caddyfile")
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[2], b"from ./Caddyfile")

    def test_adapt_and_validate_without_config_read_the_caddyfile_in_the_working_directory(self):
        self.write("Caddyfile", caddyfile(8123, "cwd"))
        res = self.run_proxflow("adapt")
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(json.loads(res.stdout)["apps"]["http"]["servers"]["srv0"]["listen"], ["127.0.0.1:8123"])
        self.assertEqual(self.run_proxflow("validate").returncode, 0)

    def test_validate_without_config_or_caddyfile_is_a_usage_error(self):
        res = self.run_proxflow("validate")
        self.assertEqual(res.returncode, 2)
        self.assertIn("--config", res.stderr)

    # --- reverse-proxy -----------------------------------------------------------------------------
    def test_reverse_proxy_round_robins_between_its_upstreams(self):
        a, b = self.start_backend("named", "a"), self.start_backend("named", "b")
        port = free_port()
        self.procs.start("reverse-proxy", [harness.PROXFLOW, "reverse-proxy", "--from", f"http://127.0.0.1:{port}",
                                           "--to", f"127.0.0.1:{a.port}", "--to", f"http://127.0.0.1:{b.port}"])
        wait_until(lambda: port_open(port), what="reverse-proxy to listen")
        seen = [http("GET", f"http://127.0.0.1:{port}/")[1].get("X-Backend") for _ in range(10)]
        self.assertEqual(collections.Counter(seen), {"a": 5, "b": 5})
        self.assertTrue(all(x != y for x, y in zip(seen, seen[1:])), seen)  # strictly alternating

    def test_reverse_proxy_change_host_header_sends_the_upstream_address_as_host(self):
        a = self.start_backend("named", "a")
        port = free_port()
        for flags, expected in (([], f"127.0.0.1:{port}"), (["--change-host-header"], f"127.0.0.1:{a.port}")):
            with self.subTest(flags=flags):
                proc = self.procs.start("reverse-proxy", [harness.PROXFLOW, "reverse-proxy", "--from", f"http://127.0.0.1:{port}",
                                                          "--to", f"127.0.0.1:{a.port}", *flags])
                wait_until(lambda: port_open(port), what="reverse-proxy to listen")
                seen = json.loads(http("GET", f"http://127.0.0.1:{port}/")[2])
                self.assertEqual(seen["headers"]["Host"], expected)
                self.procs.stop(proc)
                wait_until(lambda: not port_open(port), what="reverse-proxy to stop")

    def start_https_proxy(self, *flags):
        """reverse-proxy with its storage in the test's folder; returns (process, local CA root)."""
        data = os.path.join(self.tmp, "data")
        proc = self.procs.start("reverse-proxy", [harness.PROXFLOW, "reverse-proxy", *flags],
                                env={**os.environ, "XDG_DATA_HOME": data})
        return proc, os.path.join(data, "proxflow", "pki", "authorities", "local", "root.crt")

    def https_get(self, port, server_name, root):
        ctx = ssl.create_default_context(cafile=root)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname=server_name) as s:
                s.sendall(f"GET / HTTP/1.1\r\nHost: {server_name}\r\nConnection: close\r\n\r\n".encode())
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
        return data.decode(errors="replace")

    def listens_on_port_80(self, proc):
        return any(f"pid={proc.pid}," in line and re.search(r":80\s", line)
                   for line in subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True).stdout.splitlines())

    def test_reverse_proxy_from_https_localhost_serves_https_with_a_certificate_of_the_internal_ca(self):
        a = self.start_backend("named", "a")
        port = free_port()
        proc, root = self.start_https_proxy("--from", f"https://localhost:{port}", "--to", f"127.0.0.1:{a.port}",
                                            "--disable-redirects")
        wait_until(lambda: port_open(port), what="reverse-proxy to listen")
        self.assertIn("X-Backend: a", self.https_get(port, "localhost", root))
        self.assertIn(f"proxying https://localhost:{port} -> 127.0.0.1:{a.port}", harness.log_of(proc))
        self.assertFalse(self.listens_on_port_80(proc), "--disable-redirects: nothing on port 80")

    def test_reverse_proxy_from_a_host_and_port_serves_https_for_that_address(self):
        a = self.start_backend("named", "a")
        port = free_port()
        _, root = self.start_https_proxy("--from", f"127.0.0.1:{port}", "--to", f"127.0.0.1:{a.port}", "--disable-redirects")
        wait_until(lambda: port_open(port), what="reverse-proxy to listen")
        self.assertIn("X-Backend: a", self.https_get(port, "127.0.0.1", root))
        # A host with a port other than 80 means HTTPS (Caddy's rule): plain HTTP gets Go's 400.
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[0], 400)

    def test_reverse_proxy_from_https_redirects_http_on_port_80_to_https(self):
        if port_open(80):
            self.skipTest("something else listens on 127.0.0.1:80")
        a = self.start_backend("named", "a")
        port = free_port()
        proc, root = self.start_https_proxy("--from", f"https://localhost:{port}", "--to", f"127.0.0.1:{a.port}")
        wait_until(lambda: port_open(port) and port_open(80), what="reverse-proxy to listen on its port and 80")
        conn = http_client.HTTPConnection("127.0.0.1", 80, timeout=5)
        conn.request("GET", "/some/path?q=1", headers={"Host": "localhost"})
        res = conn.getresponse()
        self.assertEqual((res.status, res.getheader("Location")), (308, f"https://localhost:{port}/some/path?q=1"))
        conn.close()
        self.assertIn("X-Backend: a", self.https_get(port, "localhost", root))

    def test_reverse_proxy_from_with_a_path_or_another_scheme_is_a_usage_error(self):
        for bad in ("https://localhost:8443/app", "ftp://localhost:21", "localhost:http"):
            with self.subTest(bad=bad):
                res = self.run_proxflow("reverse-proxy", "--from", bad, "--to", "127.0.0.1:1")
                self.assertEqual(res.returncode, 2, res.stderr)
                self.assertIn("--from", res.stderr)

    def test_reverse_proxy_without_to_is_a_usage_error(self):
        res = self.run_proxflow("reverse-proxy", "--from", "127.0.0.1:1")
        self.assertEqual(res.returncode, 2)
        self.assertIn("--to", res.stderr)


if __name__ == "__main__":
    unittest.main()
