"""Bad configs fail loudly and precisely: `validate` and `run` exit 1 with a message naming the JSON path
(or the Caddyfile's file:line) and the offending value, and through the admin API a bad config is
refused while the running one keeps serving."""
import copy
import json
import os
import socket
import unittest

import harness
from harness import free_port, http, port_open, proxy_config, reverse_proxy, wait_until

RP = "apps.http.servers.srv0.routes[0].handle[0]"


def good_config(port=None):
    return proxy_config(port or free_port(), [reverse_proxy(free_port())])


def edited(edit, port=None):
    config = good_config(port)
    edit(config)
    return config


def server(config):
    return config["apps"]["http"]["servers"]["srv0"]


def handler(config):
    return server(config)["routes"][0]["handle"][0]


class BadConfigs(harness.ProxyTestCase):
    def write(self, name, config):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(config if isinstance(config, str) else json.dumps(config))
        return path

    def assert_rejected(self, config, *fragments, name="config.json", adapter=None, commands=("validate", "run")):
        """Both commands exit 1 and print every fragment on stderr; run never starts serving."""
        path = self.write(name, config)
        for command in commands:
            with self.subTest(command=command):
                args = [command, "--config", path] + (["--adapter", adapter] if adapter else [])
                res = self.run_proxflow(*args, timeout=15)
                self.assertEqual(res.returncode, 1, f"stdout: {res.stdout}\nstderr: {res.stderr}")
                for fragment in fragments:
                    self.assertIn(fragment, res.stderr)
                self.assertEqual(res.stderr.count("\n"), 1, "one error, one line: " + res.stderr)

    def test_the_good_config_the_others_are_made_from_validates(self):
        res = self.run_proxflow("validate", "--config", self.write("good.json", good_config()))
        self.assertEqual(res.returncode, 0, res.stderr)

    # --- JSON --------------------------------------------------------------------------------------
    def test_a_misspelled_upstream_field_names_its_json_path(self):
        # {"dialx": ...} instead of {"dial": ...}: the typo is the error to report, not the missing dial.
        config = edited(lambda c: handler(c).update(upstreams=[{"dialx": "127.0.0.1:9"}]))
        self.assert_rejected(config, f"{RP}.upstreams[0].dialx", "unknown field")

    def test_an_unknown_field_beside_a_valid_one_names_its_json_path(self):
        config = edited(lambda c: handler(c).update(upstreams=[{"dial": "127.0.0.1:9", "dialx": "x"}]))
        self.assert_rejected(config, f"{RP}.upstreams[0].dialx", 'unknown field "dialx"')

    def test_unknown_fields_are_reported_at_every_level(self):
        cases = {
            "appz": lambda c: c.update(appz={}),
            "apps.htttp": lambda c: c["apps"].update(htttp={}),
            "apps.http.servers.srv0.listn": lambda c: server(c).update(listn=[]),
            "apps.http.servers.srv0.routes[0].matchh": lambda c: server(c)["routes"][0].update(matchh=[]),
            "admin.lisen": lambda c: c["admin"].update(lisen="x"),
        }
        for path, edit in cases.items():
            with self.subTest(path=path):
                self.assert_rejected(edited(edit), path, "unknown field")

    def test_a_protocol_other_than_h1_is_refused_and_h1_is_accepted(self):
        self.assert_rejected(edited(lambda c: server(c).update(protocols=["h1", "h2"])),
                             "apps.http.servers.srv0.protocols[1]", '"h2" is not supported')
        res = self.run_proxflow("validate", "--config", self.write("h1.json", edited(lambda c: server(c).update(protocols=["h1"]))))
        self.assertEqual(res.returncode, 0, res.stderr)

    def test_transport_settings_that_cannot_apply_are_refused_at_their_path(self):
        def transport(**options):
            return lambda c: handler(c).update(transport={"protocol": "http", **options})
        cases = [
            (transport(versions=["1.1", "h2c"]), f"{RP}.transport.versions[1]", "h2c (HTTP/2 over cleartext) to upstreams is not supported"),
            (transport(versions=["3"]), f"{RP}.transport.versions[0]", "HTTP/3 to upstreams is not supported"),
            (transport(versions=["1.0"]), f"{RP}.transport.versions[0]", 'unknown HTTP version "1.0"'),
            (transport(max_conns_per_host=-1), f"{RP}.transport.max_conns_per_host", "must not be negative"),
            (transport(resolver={"addresses": ["tcp/127.0.0.1:53"]}), f"{RP}.transport.resolver.addresses[0]", "only UDP resolvers"),
            (lambda c: handler(c).update(upstreams=[], dynamic_upstreams={"source": "a", "name": "x", "dial_fallback_delay": "1s"}),
             f"{RP}.dynamic_upstreams.dial_fallback_delay", "resolvers here are IP addresses"),
            (lambda c: handler(c).update(transport={"protocol": "fastcgi", "split_path": [".php"]}),
             f"{RP}.transport", "transport fastcgi is not supported by ProxFlow yet"),
            (lambda c: handler(c)["upstreams"].append({"lookup_srv": "_http._tcp.example.com"}),
             f"{RP}.upstreams[1].lookup_srv", "lookup_srv is not supported by ProxFlow yet"),
        ]
        for edit, path, message in cases:
            with self.subTest(path=path):
                self.assert_rejected(edited(edit), path, message)

    def test_circuit_breaker_and_adaptive_settings_out_of_range_are_refused_at_their_path(self):
        def breaker(**settings):
            return lambda c: handler(c).update(circuit_breaker={"type": "intelligent", **settings})

        def adaptive(**settings):
            return lambda c: handler(c).update(load_balancing={"selection_policy": {"policy": "adaptive", **settings}})
        cb, sp = f"{RP}.circuit_breaker", f"{RP}.load_balancing.selection_policy"
        rate, positive = "above 0 and at most 1", "must be positive"
        cases = [
            (lambda c: handler(c).update(circuit_breaker={"type": "simple"}), f"{cb}.type",
             'unknown circuit breaker type "simple"'),
            (lambda c: handler(c).update(circuit_breaker={"failure_threshold": 0.5}), f"{cb}.type", "needs a type"),
            (breaker(failure_threshold=1.5), f"{cb}.failure_threshold", rate),
            (breaker(failure_threshold=0), f"{cb}.failure_threshold", rate),
            (breaker(failure_threshold=-0.2), f"{cb}.failure_threshold", rate),
            (breaker(recovery_timeout="-5s"), f"{cb}.recovery_timeout", positive),
            (breaker(recovery_timeout=-5000000000), f"{cb}.recovery_timeout", positive),  # integer nanoseconds
            (breaker(latency_threshold="-1ms"), f"{cb}.latency_threshold", positive),
            (breaker(evaluation_window="-1m"), f"{cb}.evaluation_window", positive),
            (breaker(ramp_up_duration="-30s"), f"{cb}.ramp_up_duration", "must not be negative"),
            (breaker(half_open_max_requests=0), f"{cb}.half_open_max_requests", "at least 1"),
            (breaker(min_requests=0), f"{cb}.min_requests", "at least 1"),
            (adaptive(alpha=1.5), f"{sp}.alpha", rate),
            (adaptive(alpha=0), f"{sp}.alpha", rate),
            (adaptive(update_interval="-1s"), f"{sp}.update_interval", positive),
            (adaptive(history_length=0), f"{sp}.history_length", "history_length must be"),
        ]
        for edit, path, message in cases:
            with self.subTest(path=path, message=message):
                self.assert_rejected(edited(edit), path, message)

    def test_tls_settings_not_served_yet_are_refused_at_their_path(self):
        policies = "apps.http.servers.srv0.tls_connection_policies"
        cases = [
            (lambda c: server(c).update(tls_connection_policies=[{"alpn": ["h2"]}]), f"{policies}[0].alpn[0]", "HTTP/1.1"),
            (lambda c: server(c).update(tls_connection_policies=[{"protocol_min": "tls1.0"}]), f"{policies}[0].protocol_min",
             "unsupported protocol"),
            (lambda c: server(c).update(tls_connection_policies=[{"client_authentication": {"trusted_ca_certs": ["bm9wZQ=="]}}]),
             f"{policies}[0].client_authentication.trusted_ca_certs[0]", "DER"),
            (lambda c: c["apps"].update(tls={"automation": {"policies": [{"issuers": [{"module": "acme", "challenges": {"dns": {}}}]}]}}),
             "apps.tls.automation.policies[0].issuers[0].challenges.dns", "dns-01 challenge is not supported by ProxFlow yet"),
            (lambda c: c["apps"].update(tls={"automation": {"policies": [{"issuers": [{"module": "acme", "preferred_chains": {}}]}]}}),
             "apps.tls.automation.policies[0].issuers[0].preferred_chains", "not supported by ProxFlow yet"),
            (lambda c: c["apps"].update(tls={"automation": {"on_demand": {"ask": "example.com/ask"}}}),
             "apps.tls.automation.on_demand.ask", "http:// or https:// URL"),
            (lambda c: c["apps"].update(tls={"certificates": {"load_files": [{"certificate": "/nope.pem", "key": "/nope.key"}]}}),
             "apps.tls.certificates.load_files[0].certificate", "cannot read /nope.pem"),
            (lambda c: c.update(storage={"module": "redis"}), "storage.module", "not supported"),
        ]
        for edit, path, message in cases:
            with self.subTest(path=path):
                self.assert_rejected(edited(edit), path, message)

    def test_a_trusted_proxies_source_other_than_static_is_named(self):
        self.assert_rejected(edited(lambda c: server(c).update(trusted_proxies={"source": "cloudflare"})),
                             "apps.http.servers.srv0.trusted_proxies.source", "cloudflare")
        self.assert_rejected(edited(lambda c: server(c).update(trusted_proxies={"source": "static", "ranges": ["10.0.0.0/99"]})),
                             "apps.http.servers.srv0.trusted_proxies.ranges[0]")

    def test_an_unknown_handler_is_named_with_its_path(self):
        config = edited(lambda c: handler(c).update(handler="reverse_proxyy"))
        self.assert_rejected(config, f"{RP}.handler", "reverse_proxyy")

    def test_a_bad_listen_address_is_named_with_its_path(self):
        # address -> what the message must quote of it
        for address, quoted in (("127.0.0.1:99999", "99999"), ("not-an-address", "not-an-address"),
                                ("127.0.0.1:http", "http"), ("999.1.1.1:8080", "999.1.1.1")):
            with self.subTest(address=address):
                config = edited(lambda c: server(c).update(listen=[address]))
                self.assert_rejected(config, "apps.http.servers.srv0.listen[0]", quoted)

    def test_a_bad_upstream_address_is_named_with_its_path(self):
        for address in ("127.0.0.1:notaport", "127.0.0.1:70000", "127.0.0.1"):
            with self.subTest(address=address):
                config = edited(lambda c: handler(c).update(upstreams=[{"dial": address}]))
                self.assert_rejected(config, f"{RP}.upstreams[0].dial", address)

    def test_a_wrongly_typed_value_is_named_with_its_path(self):
        config = edited(lambda c: server(c).update(read_header_timeout="soon"))
        self.assert_rejected(config, "apps.http.servers.srv0.read_header_timeout", "soon")

    def test_json_that_does_not_parse_is_rejected(self):
        self.assert_rejected('{"apps": {"http": ', "invalid JSON")

    def test_a_listen_address_already_in_use_fails_run_with_exit_1(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            self.assert_rejected(good_config(port), "apps.http.servers.srv0.listen", f"127.0.0.1:{port}",
                                 "in use", commands=("run",))

    def test_a_port_held_by_another_proxflow_fails_run_with_exit_1(self):
        # The engine binds with SO_REUSEPORT for its own threads; a second process must not share the port.
        port = free_port()
        self.start_proxflow(proxy_config(port, [{"handler": "static_response", "body": "first"}]), wait_port=port)
        with socket.socket() as taken_reuseport:
            taken_reuseport.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            taken_reuseport.bind(("127.0.0.1", 0))
            taken_reuseport.listen()
            other = taken_reuseport.getsockname()[1]
            for held in (port, other):
                with self.subTest(held_by="proxflow" if held == port else "a SO_REUSEPORT socket"):
                    self.assert_rejected(good_config(held), "apps.http.servers.srv0.listen", f"127.0.0.1:{held}",
                                         "in use", name=f"second-{held}.json", commands=("run",))
        self.assertEqual(http("GET", f"http://127.0.0.1:{port}/")[2], b"first")

    def test_an_admin_address_that_a_server_also_listens_on_fails_run_with_exit_1(self):
        port = free_port()
        config = good_config(port)
        config["admin"] = {"listen": f"127.0.0.1:{port}"}
        self.assert_rejected(config, "admin.listen", f"127.0.0.1:{port}", "in use", commands=("run",))

    def test_two_servers_on_one_address_are_rejected(self):
        def twice(c):
            c["apps"]["http"]["servers"]["srv1"] = copy.deepcopy(server(c))
        self.assert_rejected(edited(twice), "apps.http.servers.srv1.listen", "used by two servers")

    # --- Caddyfile ---------------------------------------------------------------------------------
    def test_what_a_caddyfile_adapts_to_but_the_engine_cannot_run_is_refused_at_its_json_path(self):
        # php_fastcgi adapts as Caddy's (the reverse_proxy is the last of its three routes), as does an
        # h2c:// upstream (an http transport with versions ["h2c", "2"]); neither runs yet.
        site = "apps.http.servers.srv0.routes[0].handle[0].routes"
        cases = [
            ("php_fastcgi 127.0.0.1:9000", f"{site}[2].handle[0].transport", "transport fastcgi is not supported by ProxFlow yet"),
            ("reverse_proxy 127.0.0.1:9 {\n\t\ttransport fastcgi\n\t}", f"{site}[0].handle[0].transport",
             "transport fastcgi is not supported by ProxFlow yet"),
            ("reverse_proxy h2c://127.0.0.1:9", f"{site}[0].handle[0].transport.versions[0]",
             "h2c (HTTP/2 over cleartext) to upstreams is not supported by ProxFlow yet"),
            ("reverse_proxy unix+h2c//run/app.sock", f"{site}[0].handle[0].transport.versions[0]",
             "h2c (HTTP/2 over cleartext) to upstreams is not supported by ProxFlow yet"),
            # Standard directives the engine has no runtime for: adapted and exported, refused here.
            ("templates", f"{site}[0].handle[0]", 'handler "templates" is not supported by ProxFlow yet'),
            ("push /style.css", f"{site}[0].handle[0]", 'handler "push" is not supported by ProxFlow yet'),
            ("acme_server", f"{site}[0].handle[0]", 'handler "acme_server" is not supported by ProxFlow yet'),
        ]
        for directive, path, message in cases:
            with self.subTest(directive=directive):
                text = f"http://localhost:{free_port()} {{\n\t{directive}\n}}\n"
                self.assert_rejected(text, path, message, name="Caddyfile")

    def test_an_unknown_caddyfile_directive_names_file_line_and_directive(self):
        text = "http://127.0.0.1:8123 {\n\tbind 127.0.0.1\n\tfrobnicate now\n}\n"
        self.assert_rejected(text, "Caddyfile:3", "frobnicate", name="Caddyfile")

    def test_a_misspelled_caddyfile_directive_suggests_the_nearest_one(self):
        text = "http://127.0.0.1:8123 {\n\n\treverse_prxy 127.0.0.1:9000\n}\n"
        self.assert_rejected(text, "Caddyfile:3", "reverse_prxy", "reverse_proxy", name="Caddyfile")
        text = "http://127.0.0.1:8123 {\n\trespnd \"hi\"\n}\n"
        self.assert_rejected(text, "site.conf:2", "respnd", "'respond'", name="site.conf", adapter="caddyfile")

    def test_circuit_breaker_and_adaptive_mistakes_in_a_caddyfile_name_their_line(self):
        cases = [
            ("circuit_breaker simple", 3, "simple"),
            ("circuit_breaker intelligent {\n\t\tfailure_threshold 1.5\n\t}", 4, "failure_threshold"),
            ("circuit_breaker intelligent {\n\t\tmin_requests 5\n\t\trecovery_timeout -5s\n\t}", 5, "recovery_timeout"),
            ("lb_policy adaptive {\n\t\talpha 1.5\n\t}", 4, "alpha"),
            ("lb_policy adaptive {\n\t\thistory_length 10\n\t\tupdate_interval -1m\n\t}", 5, "update_interval"),
        ]
        for body, line, word in cases:
            with self.subTest(body=body):
                text = f"http://127.0.0.1:8123 {{\n\treverse_proxy 127.0.0.1:9000 {{\n\t{body}\n\t}}\n}}\n"
                self.assert_rejected(text, f"Caddyfile:{line}", word, name="Caddyfile")

    def test_a_caddyfile_error_in_an_imported_file_names_that_file(self):
        self.write("snippet.caddy", "\tbind 127.0.0.1\n\tencodee gzip\n")
        text = "http://127.0.0.1:8123 {\n\timport snippet.caddy\n}\n"
        self.assert_rejected(text, "snippet.caddy:2", "encodee", name="Caddyfile")

    def test_a_caddyfile_with_an_unclosed_block_is_rejected(self):
        self.assert_rejected("http://127.0.0.1:8123 {\n\trespond hi\n", "Caddyfile", name="Caddyfile")


class BadConfigThroughAdmin(harness.ProxyTestCase):
    def setUp(self):
        super().setUp()
        self.port, self.admin = free_port(), free_port()
        self.config = proxy_config(self.port, [{"handler": "static_response", "body": "still the old one"}],
                                   admin_port=self.admin)
        self.proxy = self.start_proxflow(self.config, wait_port=self.port)
        wait_until(lambda: port_open(self.admin), what="the admin API")

    def load(self, config):
        return http("POST", f"http://127.0.0.1:{self.admin}/load", body=json.dumps(config).encode(),
                    headers={"Content-Type": "application/json"})

    def assert_old_config_serves(self):
        self.assertIsNone(self.proxy.poll())
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/")[2], b"still the old one")
        self.assertEqual(json.loads(http("GET", f"http://127.0.0.1:{self.admin}/config/")[2]), self.config)

    def test_each_kind_of_bad_config_is_refused_with_400_and_the_old_one_keeps_serving(self):
        cases = {
            f"{RP}.upstreams[0].dialx": lambda c: handler(c).update(upstreams=[{"dial": "127.0.0.1:9", "dialx": 1}]),
            f"{RP}.handler": lambda c: handler(c).update(handler="nope"),
            "apps.http.servers.srv0.listen[0]": lambda c: server(c).update(listen=["127.0.0.1:99999"]),
            f"{RP}.upstreams[0].dial": lambda c: handler(c).update(upstreams=[{"dial": "127.0.0.1:notaport"}]),
        }
        for path, edit in cases.items():
            with self.subTest(path=path):
                config = proxy_config(self.port, [reverse_proxy(9)], admin_port=self.admin)
                edit(config)
                status, headers, body = self.load(config)
                self.assertEqual(status, 400, body)
                self.assertIn(path, json.loads(body)["error"])
                self.assert_old_config_serves()

    def test_a_config_whose_new_listener_is_taken_changes_nothing(self):
        fresh = free_port()
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            busy = taken.getsockname()[1]
            config = proxy_config(self.port, [{"handler": "static_response", "body": "new"}], admin_port=self.admin)
            server(config)["listen"] = [f"127.0.0.1:{self.port}", f"127.0.0.1:{fresh}", f"127.0.0.1:{busy}"]
            status, _, body = self.load(config)
            self.assertEqual(status, 400, body)
            self.assertIn(f"127.0.0.1:{busy}", json.loads(body)["error"])
            self.assert_old_config_serves()
            self.assertFalse(port_open(fresh), "a listener of the refused config was left open")


if __name__ == "__main__":
    unittest.main()
