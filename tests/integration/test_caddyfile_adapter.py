"""The Caddyfile adapter against the corpus of real Caddy 2.6.2 output, and its error messages."""
import glob
import json
import os
import re
import subprocess
import unittest

import harness

CORPUS = os.path.join(os.environ.get("PROXFLOW_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared")),
                      "corpus")
# Every corpus case whose directives ProxFlow implements passes; the rest must fail with a clear
# "not supported by ProxFlow yet". Each case listed here must match: add cases as directives land.
ADAPT_MATCHES = (
    "auto_https_ignore_loaded_certs", "bind_ipv6", "encode_options", "expression_quotes", "global_options_default_bind",
    "global_server_options_single", "handle_path", "header_placeholder_search", "http_only_on_hostless_block",
    "http_only_on_non_standard_port", "import_args_snippet", "log_except_catchall_blocks", "matcher_syntax", "matchers_in_route", "metrics_syntax",
    "replaceable_upstream_partial_port", "request_body", "reverse_proxy_health_headers", "reverse_proxy_load_balance",
    "reverse_proxy_options", "reverse_proxy_trusted_proxies", "reverse_proxy_upstream_placeholder", "site_block_sorting", "uri_replace_brace_escape",
    "global_options", "tls_automation_policies_12", "tls_automation_policies_2", "tls_automation_policies_3",
    "tls_automation_policies_5", "tls_automation_policies_7", "tls_automation_policies_global_email_localhost",
    "tls_client_auth_inline_cert", "tls_internal_options",
    "forward_auth_authelia", "reverse_proxy_dynamic_upstreams", "reverse_proxy_handle_response",
)
# Real Caddy reads the export back to the same JSON; the other cases must refuse with the JSON path.
EXPORT_ROUNDTRIP_FLOOR = 36
# ProxFlow's own TLS cases (tests/data/caddyfile_tls, JSON printed by real Caddy 2.6.2): how many
# exports real Caddy reads back to the same JSON; the others must refuse with a JSON path.
TLS_DATA = os.path.join(os.path.dirname(__file__), "..", "data", "caddyfile_tls")
TLS_EXPORT_ROUNDTRIP_FLOOR = 39


class CorpusAgainstRealCaddy(harness.ProxyTestCase):
    def test_adapt_matches_caddy_2_6_2_and_unsupported_cases_say_so(self):
        r = subprocess.run([os.path.join(CORPUS, "check-adapt"), "--candidate", f"{harness.PROXFLOW} adapt --config {{file}}"],
                           capture_output=True, text=True, timeout=600)
        print(r.stdout)
        match = re.search(r"adapt_match=(\d+)/(\d+)", r.stdout)
        self.assertIsNotNone(match, r.stdout + r.stderr)
        passed = {line.split()[1] for line in r.stdout.splitlines() if line.startswith("PASS")}
        for case in ADAPT_MATCHES:
            with self.subTest(case=case):
                self.assertIn(case, passed, f"corpus case {case} no longer adapts to Caddy's JSON")
        self.assertGreaterEqual(int(match.group(1)), len(ADAPT_MATCHES), r.stdout)
        for line in r.stdout.splitlines():
            if line.startswith("ERROR"):
                self.assertIn("is not supported by ProxFlow yet", line)
                self.assertRegex(line, r"\.caddyfile:\d+: ")
            self.assertFalse(line.startswith("FAIL"), f"a case adapted to different JSON: {line}")


class OwnEncodeAndMapCases(harness.ProxyTestCase):
    """Caddyfiles written for encode and map (tests/data/caddyfile_handlers, with real Caddy 2.6.2's
    JSON beside each): every one adapts to Caddy's JSON, and real Caddy reads the export back to it."""
    CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "caddyfile_handlers")

    def test_each_case_adapts_as_caddy_and_its_export_reads_back(self):
        home = os.path.join(self.tmp, "home")
        os.makedirs(home)
        r = subprocess.run([os.path.join(CORPUS, "check-adapt"), "--candidate", f"{harness.PROXFLOW} adapt --config {{file}}",
                            "--export", f"{harness.PROXFLOW} export --config {{file}}", self.CASES],
                           capture_output=True, text=True, timeout=300, env=dict(os.environ, HOME=home))
        print(r.stdout)
        cases = len(glob.glob(os.path.join(self.CASES, "*.caddyfile")))
        self.assertGreater(cases, 0)
        self.assertIn(f"adapt_match={cases}/{cases}", r.stdout, r.stderr)
        self.assertIn(f"export_roundtrip={cases}/{cases}", r.stdout, r.stderr)


class ExportReadBackByRealCaddy(harness.ProxyTestCase):
    def test_caddy_adapts_the_export_back_to_the_source_json(self):
        home = os.path.join(self.tmp, "home")
        os.makedirs(home)
        r = subprocess.run([os.path.join(CORPUS, "check-adapt"), "--export", f"{harness.PROXFLOW} export --config {{file}}"],
                           capture_output=True, text=True, timeout=900, env=dict(os.environ, HOME=home))
        print(r.stdout)
        match = re.search(r"export_roundtrip=(\d+)/(\d+)", r.stdout)
        self.assertIsNotNone(match, r.stdout + r.stderr)
        self.assertGreaterEqual(int(match.group(1)), EXPORT_ROUNDTRIP_FLOOR, r.stdout)
        for line in r.stdout.splitlines():
            self.assertFalse(line.startswith("FAIL"), f"an export read back differently: {line}")
            if line.startswith("ERROR"):
                self.assertIn("cannot say in a Caddyfile: ", line, "an export must refuse with a JSON path, not write something caddy rejects")

    def test_tls_cases_of_our_own_export_back_through_real_caddy(self):
        cases = os.path.join(self.tmp, "tls")
        os.makedirs(cases)
        data = os.path.realpath(TLS_DATA)
        for name in os.listdir(data):
            if name.endswith((".caddyfile", ".json")):
                with open(os.path.join(data, name)) as src, open(os.path.join(cases, name), "w") as dst:
                    dst.write(src.read().replace("@DATA@", data))
        home = os.path.join(self.tmp, "home")
        os.makedirs(home, exist_ok=True)
        r = subprocess.run([os.path.join(CORPUS, "check-adapt"), "--export", f"{harness.PROXFLOW} export --config {{file}}", cases],
                           capture_output=True, text=True, timeout=900, env=dict(os.environ, HOME=home))
        print(r.stdout)
        match = re.search(r"export_roundtrip=(\d+)/(\d+)", r.stdout)
        self.assertIsNotNone(match, r.stdout + r.stderr)
        # Caddy orders an SNI list from a Go map, so its read-back order varies from run to run: such a
        # difference counts as read back.
        sni_order = sum(1 for line in r.stdout.splitlines() if line.startswith("FAIL") and ".match.sni[" in line)
        self.assertGreaterEqual(int(match.group(1)) + sni_order, TLS_EXPORT_ROUNDTRIP_FLOOR, r.stdout)
        for line in r.stdout.splitlines():
            if line.startswith("FAIL"):
                self.assertIn(".match.sni[", line, f"an export read back differently: {line}")
            if line.startswith("ERROR"):
                self.assertIn("cannot say in a Caddyfile: ", line)

    def test_stock_caddy_target_lists_proxflow_only_parts(self):
        config = {"apps": {"traffic_metrics": {"geo_header": "CF-IPCountry"}, "http": {"servers": {"srv0": {
            "listen": [":8080"], "routes": [{"handle": [{"handler": "traffic_dashboard", "path": "/dash"},
                                                        {"handler": "reverse_proxy", "upstreams": [{"dial": "127.0.0.1:9000"}]}]}]}}}}}
        path = os.path.join(self.tmp, "config.json")
        with open(path, "w") as f:
            json.dump(config, f)
        own = self.run_proxflow("export", "--config", path)
        self.assertIn("traffic_dashboard", own.stdout)
        self.assertIn("geo_header CF-IPCountry", own.stdout)
        stock = self.run_proxflow("export", "--config", path, "--target", "caddy")
        self.assertEqual(stock.returncode, 0, stock.stderr)
        self.assertNotIn("traffic_dashboard", stock.stdout)
        self.assertIn("warning: apps.traffic_metrics", stock.stderr)
        self.assertIn("traffic_dashboard is ProxFlow's own directive", stock.stderr)


    def test_text_a_caddyfile_would_read_as_a_shorthand_placeholder_is_refused(self):
        # Real Caddy expands {host} inside any site-block token, "X-{{host}" too: written as is, the
        # export would come back as another header name.
        caddyfile = os.path.join(self.tmp, "shorthand.caddyfile")
        with open(caddyfile, "w") as f:
            f.write(':8080 {\n\theader "X-{{host}" v\n}\n')
        home = os.path.join(self.tmp, "home")
        os.makedirs(home, exist_ok=True)
        read = json.loads(subprocess.run(["caddy", "adapt", "--config", caddyfile], capture_output=True, text=True,
                                         env=dict(os.environ, HOME=home), check=True).stdout)
        headers = read["apps"]["http"]["servers"]["srv0"]["routes"][0]["handle"][0]["response"]["set"]
        self.assertEqual(list(headers), ["X-{{http.request.host}"])
        for name in ("X-{{host}", "X-{host}", "{header.Foo}"):
            with self.subTest(name=name):
                config = {"apps": {"http": {"servers": {"srv0": {"listen": [":8080"], "routes": [
                    {"handle": [{"handler": "headers", "response": {"set": {name: ["v"]}}}]}]}}}}}
                path = os.path.join(self.tmp, "shorthand.json")
                with open(path, "w") as f:
                    json.dump(config, f)
                r = self.run_proxflow("export", "--config", path)
                self.assertEqual(r.returncode, 1, r.stdout)
                self.assertIn(f'value "{name}": a Caddyfile would read it as', r.stderr)


class FormatterAgainstRealCaddy(harness.ProxyTestCase):
    MESSY = [
        "example.com{\nreverse_proxy   localhost:9000   {\nlb_policy   first\n}\n}\n\n\n\nb.example{respond \"a  b\"}",
        ":80 {\n  # a comment   kept as is\n\theader X-A {http.request.host}\n\n\n\trespond `raw {x}` 200\n}\n(snip) {\n\tlog\n}\n",
        "{\n\tadmin off\n}\n:8080\nrespond /a \"x\" {\n\tclose\n}\n",
    ]

    def caddy_fmt(self, path):
        home = os.path.join(self.tmp, "home")
        os.makedirs(home, exist_ok=True)
        return subprocess.run(["caddy", "fmt", path], capture_output=True, text=True, env=dict(os.environ, HOME=home)).stdout

    def test_fmt_equals_caddy_fmt_on_the_corpus_and_on_messy_input(self):
        files = sorted(os.path.join(CORPUS, "caddyfile", f) for f in os.listdir(os.path.join(CORPUS, "caddyfile"))
                       if f.endswith(".caddyfile"))
        for i, text in enumerate(self.MESSY):
            path = os.path.join(self.tmp, f"messy{i}.caddyfile")
            with open(path, "w") as f:
                f.write(text)
            files.append(path)
        for path in files:
            with self.subTest(file=os.path.basename(path)):
                self.assertEqual(self.run_proxflow("fmt", path).stdout, self.caddy_fmt(path))

    def test_fmt_overwrite_rewrites_the_file(self):
        path = os.path.join(self.tmp, "Caddyfile")
        with open(path, "w") as f:
            f.write(self.MESSY[0])
        self.assertEqual(self.run_proxflow("fmt", "--overwrite", path).returncode, 0)
        with open(path) as f:
            self.assertEqual(f.read(), self.caddy_fmt(path))


class Errors(harness.ProxyTestCase):
    def adapt(self, text, name="Caddyfile"):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return self.run_proxflow("adapt", "--config", path)

    def test_a_misspelled_directive_suggests_the_nearest_one(self):
        r = self.adapt(":80 {\n\treverse_prxy 127.0.0.1:9000\n}\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Caddyfile:2: unrecognized directive: reverse_prxy (did you mean 'reverse_proxy'?)", r.stderr)

    def test_an_unclosed_brace_names_the_line_that_opened_it(self):
        r = self.adapt(":80 {\n\trespond /a 200\n\thandle /b {\n\t\trespond b\n}\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Caddyfile:1: unclosed '{'", r.stderr)

    def test_an_unsupported_caddy_directive_is_named_not_dropped(self):
        # tracing (OpenTelemetry) is a standard directive of Caddy 2.6.2 that ProxFlow does not adapt.
        r = self.adapt(":80 {\n\ttracing {\n\t\tspan checkout\n\t}\n}\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Caddyfile:2: directive 'tracing' is not supported by ProxFlow yet", r.stderr)

    def test_a_subdirective_error_names_the_directive_and_line(self):
        r = self.adapt(":80 {\n\treverse_proxy 127.0.0.1:9000 {\n\t\tlb_policy fastest\n\t}\n}\n")
        self.assertIn("Caddyfile:3: reverse_proxy: unknown load-balancing policy 'fastest'", r.stderr)


class Features(harness.ProxyTestCase):
    def adapt(self, text, env=None):
        path = os.path.join(self.tmp, "Caddyfile")
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run([harness.PROXFLOW, "adapt", "--config", path], capture_output=True, text=True,
                           env=dict(os.environ, **(env or {})), cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def routes(self, config):
        return config["apps"]["http"]["servers"]["srv0"]["routes"]

    def test_env_placeholders_with_defaults(self):
        config = self.adapt(":{$PF_PORT} {\n\trespond {$PF_BODY:fallback}\n}\n", env={"PF_PORT": "8181"})
        self.assertEqual(config["apps"]["http"]["servers"]["srv0"]["listen"], [":8181"])
        self.assertEqual(self.routes(config)[0]["handle"][0]["body"], "fallback")

    def test_snippets_and_file_imports_with_arguments(self):
        with open(os.path.join(self.tmp, "common.caddy"), "w") as f:
            f.write("header X-Site {args[0]}\n")
        config = self.adapt("(proxy) {\n\treverse_proxy {args.0}\n}\n:80 {\n\timport common.caddy one\n\timport proxy 127.0.0.1:9000\n}\n")
        handlers = self.routes(config)[0]["handle"]
        self.assertEqual(handlers[0]["response"]["set"]["X-Site"], ["one"])
        self.assertEqual(handlers[1]["upstreams"], [{"dial": "127.0.0.1:9000"}])

    def test_handle_path_strips_its_prefix_and_named_matchers_apply(self):
        config = self.adapt(":80 {\n\t@api header X-Api 1\n\thandle_path /v1/* {\n\t\treverse_proxy @api 127.0.0.1:9000\n\t}\n}\n")
        route = self.routes(config)[0]
        self.assertEqual(route["match"], [{"path": ["/v1/*"]}])
        inner = route["handle"][0]["routes"]
        self.assertEqual(inner[0]["handle"][0], {"handler": "rewrite", "strip_path_prefix": "/v1"})
        self.assertEqual(inner[1]["match"], [{"header": {"X-Api": ["1"]}}])

    def test_proxflow_directives_adapt(self):
        config = self.adapt("{\n\ttraffic_metrics {\n\t\tgeo_header CF-IPCountry\n\t}\n}\n:80 {\n\ttraffic_dashboard {\n\t\tpath /dash\n\t\tupdate_interval 2s\n\t}\n}\n")
        self.assertEqual(config["apps"]["traffic_metrics"], {"geo_header": "CF-IPCountry"})
        self.assertEqual(self.routes(config)[0]["handle"][0],
                         {"handler": "traffic_dashboard", "path": "/dash", "update_interval": 2000000000})


    def test_certificate_options_adapt_as_caddy_does_and_the_engine_accepts_them(self):
        # Global ACME defaults, on-demand limits, an interval and the storage beside a plain site: the
        # JSON equals real caddy's, and the engine's validation takes its apps.tls and storage.
        store = os.path.join(self.tmp, "store")
        text = ("{\n\temail ops@example.com\n\tacme_ca https://127.0.0.1:14000/dir\n\ton_demand_tls {\n"
                "\t\task http://127.0.0.1:9/ask\n\t\tinterval 1m\n\t\tburst 3\n\t}\n\trenew_interval 20m\n"
                f"\tstorage file_system {store}\n}}\n:8080 {{\n\trespond ok\n}}\n")
        config = self.adapt(text)
        caddy = subprocess.run(["caddy", "adapt", "--config", os.path.join(self.tmp, "Caddyfile"), "--adapter", "caddyfile"],
                               capture_output=True, text=True, cwd=self.tmp, env=dict(os.environ, HOME=self.tmp))
        self.assertEqual(caddy.returncode, 0, caddy.stderr)
        self.assertEqual(config, json.loads(caddy.stdout))
        self.assertEqual(config["apps"]["tls"]["automation"]["policies"],
                         [{"issuers": [{"module": "acme", "ca": "https://127.0.0.1:14000/dir", "email": "ops@example.com"}]}])
        path = os.path.join(self.tmp, "config.json")
        with open(path, "w") as f:
            json.dump(config, f)
        r = subprocess.run([harness.PROXFLOW, "validate", "--config", path], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_tls_subdirectives_the_engine_lacks_are_refused_at_their_line(self):
        path = os.path.join(self.tmp, "Caddyfile")
        for text, message in [
            ("a.example.com {\n\ttls {\n\t\tdns cloudflare KEY\n\t}\n}\n",
             "Caddyfile:3: tls: getting module named 'dns.providers.cloudflare': module not registered"),
            ("a.example.com {\n\ttls {\n\t\tget_certificate tailscale\n\t}\n}\n", "Caddyfile:3: tls: get_certificate tailscale is not supported by ProxFlow yet"),
            ("a.example.com {\n\tbind 127.0.0.1\n\ttls a@b.c\n}\n", "Caddyfile:1: bind: a site with bind gives its ACME issuers challenges.bind_host"),
        ]:
            with self.subTest(message=message):
                with open(path, "w") as f:
                    f.write(text)
                r = subprocess.run([harness.PROXFLOW, "adapt", "--config", path], capture_output=True, text=True)
                self.assertEqual(r.returncode, 1)
                self.assertIn(message, r.stderr)

    def test_what_adapts_but_does_not_run_is_refused_at_validate_with_its_json_path(self):
        # preferred_chains and the DNS challenge's options adapt as real caddy adapts them; the engine
        # refuses each at its JSON path. CA key pairs that do not exist are an error at theirs; an events
        # app without subscriptions runs.
        for text, where in [
            ("{\n\tpreferred_chains smallest\n}\na.example.com {\n\trespond ok\n}\n",
             "apps.tls.automation.policies[0].issuers[0].preferred_chains"),
            ("a.example.com {\n\ttls {\n\t\tresolvers 1.1.1.1\n\t}\n\trespond ok\n}\n",
             "apps.tls.automation.policies[0].issuers[0].challenges.dns"),
            ("{\n\tpki {\n\t\tca {\n\t\t\troot {\n\t\t\t\tcert /nonexistent/root.crt\n\t\t\t\tkey /nonexistent/root.key\n"
             "\t\t\t}\n\t\t}\n\t}\n}\n:8080 {\n\trespond ok\n}\n", "apps.pki.certificate_authorities.local.root"),
            ("{\n\tservers {\n\t\tkeepalive_interval 30s\n\t}\n}\n:8080 {\n\trespond ok\n}\n", "apps.http.servers.srv0.keepalive_interval"),
            ("{\n\tevents\n}\n:8080 {\n\trespond ok\n}\n", None),
        ]:
            with self.subTest(where=where):
                config = self.adapt(text)
                caddy = subprocess.run(["caddy", "adapt", "--config", os.path.join(self.tmp, "Caddyfile"), "--adapter", "caddyfile"],
                                       capture_output=True, text=True, cwd=self.tmp, env=dict(os.environ, HOME=self.tmp))
                self.assertEqual(caddy.returncode, 0, caddy.stderr)
                self.assertEqual(config, json.loads(caddy.stdout))
                path = os.path.join(self.tmp, "config.json")
                with open(path, "w") as f:
                    json.dump(config, f)
                r = subprocess.run([harness.PROXFLOW, "validate", "--config", path], capture_output=True, text=True)
                if where is None:  # what the engine runs as it is
                    self.assertEqual(r.returncode, 0, r.stderr)
                    continue
                self.assertNotEqual(r.returncode, 0)
                self.assertIn(where, r.stderr)


if __name__ == "__main__":
    unittest.main()
