"""reverse_proxy's dynamic_upstreams against a real DNS server: dnsmasq on a high UDP port of
127.0.0.1, names from a hosts file it re-reads on SIGHUP, SRV records from its config. The backends
answer on 127.0.0.1 and ::1 (both loopback), so an A and an AAAA record tell them apart.
Checked: A/AAAA answers become upstreams, an answer is kept for `refresh` and followed after it,
SRV targets and ports are dialled, the system resolver (no `resolvers`) reads /etc/hosts, and a name
that does not resolve is a 503."""
import os
import re
import time
import unittest

import harness
from dnsmasq import Dnsmasq
from harness import free_port, http, proxy_config, wait_until


@harness.needs_programs("dnsmasq", "dig", why="dnsmasq-base and dnsutils (dev.sh installs them)")
class DynamicUpstreams(harness.ProxyTestCase):
    def start_dns(self, hosts, srv_lines=()):
        self.dns = Dnsmasq(self.procs, self.tmp, hosts, srv_lines)

    def queries(self, kind, name):
        return len(re.findall(rf"query\[{kind}\] {re.escape(name)} ", harness.log_of(self.dns.proc)))

    def serve(self, dynamic, **options):
        self.port = free_port()
        handler = {"handler": "reverse_proxy", "dynamic_upstreams": dynamic, **options}
        self.start_proxflow(proxy_config(self.port, [handler]), wait_port=self.port)

    def served_by(self):
        status, headers, body = http("GET", f"http://127.0.0.1:{self.port}/")
        self.assertEqual(status, 200, body)
        return headers["X-Served-By"]

    def backends(self):
        port = free_port()
        self.start_backend_on("127.0.0.1", port, "v4")
        self.start_backend_on("::1", port, "v6")
        return port

    def start_backend_on(self, host, port, name):
        proc = self.procs.start(f"responder-{name}", [harness.PYTHON, os.path.join(harness.BACKENDS, "responder.py"),
                                                       str(port), host, name])
        url_host = f"[{host}]" if ":" in host else host
        wait_until(lambda: http("GET", f"http://{url_host}:{port}/")[0] == 200, what=f"backend {name}")
        return proc

    def test_a_records_are_kept_for_refresh_and_followed_after_it(self):
        port = self.backends()
        self.start_dns(["127.0.0.1 app.svc.test"])
        self.serve({"source": "a", "name": "app.svc.test", "port": str(port), "refresh": "2s",
                    "resolver": self.dns.resolver()})
        first = time.monotonic()
        self.assertEqual(self.served_by(), "v4")
        for _ in range(10):
            self.assertEqual(self.served_by(), "v4")
        # Eleven requests, one question of each kind: the answer was cached.
        self.assertEqual((self.queries("A", "app.svc.test"), self.queries("AAAA", "app.svc.test")), (1, 1))
        self.dns.change_hosts(["::1 app.svc.test"])
        if time.monotonic() - first < 1.5:
            self.assertEqual(self.served_by(), "v4", "the old answer serves until refresh has passed")
        wait_until(lambda: self.served_by() == "v6", timeout=10, what="the new AAAA answer to be used")
        self.assertGreaterEqual(time.monotonic() - first, 2.0)

    def test_every_address_of_a_name_is_an_upstream(self):
        port = self.backends()
        self.start_dns(["127.0.0.1 app.svc.test", "::1 app.svc.test"])
        self.serve({"source": "a", "name": "app.svc.test", "port": str(port),
                    "resolver": self.dns.resolver("udp/")},
                   load_balancing={"selection_policy": {"policy": "round_robin"}})
        seen = {self.served_by() for _ in range(6)}
        self.assertEqual(seen, {"v4", "v6"})

    def test_srv_records_give_targets_and_ports(self):
        a, b = self.start_backend("responder"), self.start_backend("responder")
        self.start_dns(["127.0.0.1 ready.svc.test"], [f"srv-host=_http._tcp.svc.test,localhost,{a.port},10,50",
                                                      f"srv-host=_http._tcp.svc.test,localhost,{b.port},10,50",
                                                      f"srv-host=_other._tcp.svc.test,localhost,{b.port},10,50"])
        self.serve({"source": "srv", "service": "http", "proto": "tcp", "name": "svc.test",
                    "resolver": self.dns.resolver()},
                   load_balancing={"selection_policy": {"policy": "round_robin"}})
        self.assertEqual({self.served_by() for _ in range(6)}, {str(a.port), str(b.port)})
        # The whole SRV name in `name` alone, as Caddy allows.
        self.procs.stop(self.procs.running[-1])
        self.serve({"source": "srv", "name": "_other._tcp.svc.test", "resolver": self.dns.resolver()})
        self.assertEqual({self.served_by() for _ in range(3)}, {str(b.port)})

    def test_without_resolvers_the_system_resolver_reads_etc_hosts(self):
        backend = self.start_backend("responder")
        self.serve({"source": "a", "name": "localhost", "port": str(backend.port)})
        self.assertEqual(self.served_by(), str(backend.port))

    def test_a_name_that_does_not_resolve_is_a_503(self):
        self.start_dns(["127.0.0.1 ready.svc.test"])
        self.serve({"source": "a", "name": "missing.svc.test", "port": "80",
                    "resolver": self.dns.resolver()})
        self.assertEqual(http("GET", f"http://127.0.0.1:{self.port}/")[0], 503)

    def test_unsupported_sources_and_resolvers_are_refused(self):
        wrr = {"load_balancing": {"selection_policy": {"policy": "weighted_round_robin", "weights": [1, 2]}}}
        for dynamic, fragment, extra in [({"source": "multi"}, "\"multi\" is not supported by ProxFlow yet", {}),
                                         ({"source": "a", "name": "x"}, "weighted_round_robin with dynamic_upstreams", wrr),
                                         ({"source": "a", "name": "x", "resolver": {"addresses": ["tcp/1.1.1.1:53"]}},
                                          "only UDP resolvers are supported by ProxFlow yet", {})]:
            path = os.path.join(self.tmp, "bad.json")
            with open(path, "w") as f:
                import json
                json.dump(proxy_config(free_port(), [{"handler": "reverse_proxy", "dynamic_upstreams": dynamic, **extra}]), f)
            r = self.run_proxflow("validate", "--config", path)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(fragment, r.stdout + r.stderr)
            self.assertIn("dynamic_upstreams", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
