"""Issue 17's HTTP/1.1 robustness suite: every case of robustness/cases.py is played against ProxFlow,
Debian's nginx and Debian's HAProxy, each a reverse proxy in front of its own recording backend, in one
run. ProxFlow must pass every case whose rule is a MUST, and every other case that nginx or HAProxy
passes: it is to be at least as strict as the stricter of the two.

The comparison table (docs/engine.md, "HTTP/1.1 robustness") is written as Markdown to the file
PROXFLOW_ROBUSTNESS_TABLE names, or printed with `--table`:
    PROXFLOW_BIN=build/app/proxflow /usr/bin/python3 tests/integration/test_http_robustness.py --table
"""
import os
import sys
import threading
import time
import unittest

import harness
from robustness.cases import CASES, MUST, Answered, Case, Forwarded, Upstream
from robustness.judge import verdict
from robustness.peers import PEERS
from robustness.play import BackendLog, Observation, Seen, parse_log, play

PRINT_TABLE = "--table" in sys.argv


def play_all(tc):
    """{peer name: [(case, observation, (passed, why))]}, the peers played at the same time."""
    runs = {}
    for name, start in PEERS:
        log_path = os.path.join(tc.tmp, f"seen-{name}.log")
        open(log_path, "w").close()
        backend = tc.start_backend("recording", log_path)
        runs[name] = (start(tc, backend.port), backend.port, BackendLog(log_path))
    results = {}

    def play_peer(name):
        port, backend_port, log = runs[name]
        results[name] = [(case, obs, verdict(case, obs))
                         for case in CASES for obs in [play(case, port, backend_port, log)]]

    threads = [threading.Thread(target=play_peer, args=(name,)) for name in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(150)  # every play is bounded in time; this only keeps a bug from hanging the test
    return results


def table(results, seconds):
    names = [name for name, _ in PEERS]
    rows = ["| case | level | rule | accepted | " + " | ".join(names) + " |",
            "|---|---|---|---|" + "---|" * len(names)]
    for i, case in enumerate(CASES):
        cells = ["pass" if results[n][i][2][0] else "**FAIL**" for n in names]
        rows.append(f"| `{case.name}` | {case.level} | {case.rule} | {case.accepted()} | " + " | ".join(cells) + " |")
    passed = [sum(r[2][0] for r in results[n]) for n in names]
    rows.append("| **passed** | | | | " + " | ".join(f"{p}/{len(CASES)}" for p in passed) + " |")
    why = [f"- `{case.name}`, {name}: {v[1]}" for i, case in enumerate(CASES) for name in names
           for _, _, v in [results[name][i]] if not v[0]]
    return "\n".join(rows + ["", f"Why each FAIL ({seconds:.0f} s run):", ""] + why) + "\n"


def failure(case, obs, why):
    return f"{case.name} ({case.level}): {why}\n  sent {obs.sent[:160]!r}\n  got {obs.received[:240]!r}"


@harness.needs_programs("nginx", "haproxy", why="ProxFlow's HTTP/1.1 robustness is stated against nginx and HAProxy")
class HttpRobustness(harness.ProxyTestCase):
    def test_proxflow_passes_every_must_case_and_every_case_nginx_or_haproxy_passes(self):
        started = time.monotonic()
        results = play_all(self)
        self.assertEqual({name: len(r) for name, r in results.items()}, {name: len(CASES) for name, _ in PEERS},
                         "a peer's run did not finish")
        text = table(results, time.monotonic() - started)
        if os.environ.get("PROXFLOW_ROBUSTNESS_TABLE"):
            with open(os.environ["PROXFLOW_ROBUSTNESS_TABLE"], "w") as f:
                f.write(text)
        if PRINT_TABLE:
            print(text)
        ours = results["ProxFlow"]
        with self.subTest("every MUST case"):
            failed = [failure(case, obs, why) for case, obs, (ok, why) in ours if case.level == MUST and not ok]
            if failed:
                self.fail(f"ProxFlow fails {len(failed)} MUST cases:\n" + "\n".join(failed))
        with self.subTest("at least as strict as nginx and HAProxy"):
            weaker = [failure(case, obs, why) + f"\n  passed by {', '.join(peers)}"
                      for i, (case, obs, (ok, why)) in enumerate(ours) if not ok
                      for peers in [[n for n, _ in PEERS[1:] if results[n][i][2][0]]] if peers]
            if weaker:
                self.fail(f"ProxFlow fails {len(weaker)} cases nginx or HAProxy pass:\n" + "\n".join(weaker))


class TheJudge(unittest.TestCase):
    """The judge must fail what the suite exists to catch, or the suite cannot fail."""
    SERVED = b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nseen GET /followup\n"
    case = Case("cl-and-te", "", MUST, b"POST /clte HTTP/1.1\r\n\r\n",
                (Answered((400,)), Forwarded((Upstream("POST", "/clte"),), close=True)))

    def observe(self, received, upstream, closed=True, follow_up=SERVED):
        return Observation(self.case.send, received, closed, 0.1, upstream, follow_up)

    def test_a_smuggled_request_at_the_backend_fails_the_case(self):
        obs = self.observe(b"HTTP/1.1 200 OK\r\n\r\n", [Seen("POST", "/clte"), Seen("GET", "/smuggled")])
        passed, why = verdict(self.case, obs)
        self.assertFalse(passed)
        self.assertIn("the backend saw ['POST /clte', 'GET /smuggled']", why)

    def test_a_rejection_that_still_reached_the_backend_fails_the_case(self):
        obs = self.observe(b"HTTP/1.1 400 Bad Request\r\n\r\n", [Seen("POST", "/clte")])
        self.assertFalse(verdict(self.case, obs)[0])

    def test_a_rejection_that_keeps_the_connection_open_fails_the_case(self):
        obs = self.observe(b"HTTP/1.1 400 Bad Request\r\n\r\n", [], closed=False)
        self.assertFalse(verdict(self.case, obs)[0])

    def test_a_proxy_that_no_longer_serves_fresh_requests_fails_the_case(self):
        obs = self.observe(b"HTTP/1.1 400 Bad Request\r\n\r\n", [], follow_up=b"")
        self.assertEqual(verdict(self.case, obs), (False, "a fresh request afterwards got nothing"))

    def test_each_accepted_outcome_passes(self):
        self.assertEqual(verdict(self.case, self.observe(b"HTTP/1.1 400 Bad Request\r\n\r\n", [])), (True, ""))
        self.assertEqual(verdict(self.case, self.observe(b"HTTP/1.1 200 OK\r\n\r\n", [Seen("POST", "/clte")])), (True, ""))

    def test_the_backend_log_is_read_back_with_headers_and_body(self):
        seen = parse_log("POST /a\n  Host: t\n  X-A: a\\x00b\n  [body] b'hi'\nERROR 400 b'x'\n")
        self.assertEqual([(s.method, s.target, s.headers, s.body) for s in seen],
                         [("POST", "/a", [("host", "t"), ("x-a", "a\\x00b")], b"hi"), ("ERROR", "400 b'x'", [], b"")])


if __name__ == "__main__":
    unittest.main(argv=[arg for arg in sys.argv if arg != "--table"])
