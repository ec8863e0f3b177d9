"""Caddyfiles of our own (tests/integration/caddyfiles/*.caddyfile), beyond the shared corpus, adapted
by ProxFlow and by the real Caddy 2.6 on this machine (`caddy adapt`): the JSON must be equal, and
Caddy must read ProxFlow's export of that JSON back to the same JSON."""
import glob
import json
import os
import subprocess
import unittest

import harness

CASES = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "caddyfiles", "*.caddyfile")))


@harness.needs_programs("caddy", why="the real caddy (Debian's caddy package) is needed as the reference")
class OwnCaddyfilesAgainstRealCaddy(harness.ProxyTestCase):
    def caddy_adapt(self, path):
        env = dict(os.environ, HOME=self.tmp, XDG_DATA_HOME=self.tmp, XDG_CONFIG_HOME=self.tmp)
        r = subprocess.run(["caddy", "adapt", "--adapter", "caddyfile", "--config", path], capture_output=True,
                           text=True, timeout=60, env=env, cwd=self.tmp)
        self.assertEqual(r.returncode, 0, f"caddy adapt {path}: {r.stderr}")
        return json.loads(r.stdout)

    def test_there_are_cases(self):
        self.assertGreaterEqual(len(CASES), 4)

    def test_adapt_equals_caddy_and_the_export_reads_back(self):
        for path in CASES:
            name = os.path.basename(path)
            with self.subTest(case=name):
                expected = self.caddy_adapt(path)
                ours = self.run_proxflow("adapt", "--config", path)
                self.assertEqual(ours.returncode, 0, ours.stderr)
                self.assertEqual(json.loads(ours.stdout), expected)
                source = os.path.join(self.tmp, name + ".json")
                with open(source, "w") as f:
                    json.dump(expected, f)
                exported = self.run_proxflow("export", "--config", source)
                self.assertEqual(exported.returncode, 0, exported.stderr)
                back = os.path.join(self.tmp, name + ".exported")
                with open(back, "w") as f:
                    f.write(exported.stdout)
                self.assertEqual(self.caddy_adapt(back), expected, exported.stdout)


if __name__ == "__main__":
    unittest.main()
