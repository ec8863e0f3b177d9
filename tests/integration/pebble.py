"""Debian's pebble (an ACME test CA) with pebble-challtestsrv as its DNS, started through the shared
peers/pebble-up recipe; both processes are stopped by PID. Every name resolves to 127.0.0.1."""
import json
import os
import signal
import subprocess
import time

SHARED = os.environ.get("PROXFLOW_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared"))
PEBBLE_UP = os.path.join(SHARED, "peers", "pebble-up")


def _stop_pid(pid):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        # pebble-up's children are not ours to reap: a zombie counts as gone once it stops answering ports.
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split(")")[-1].split()[0] == "Z":
                    return
        except FileNotFoundError:
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Pebble:
    """A running pebble: .directory, .ca_file (trust it to reach the ACME endpoint), .root (the root
    issued chains lead to), .mgmt, .http01_port, .tlsalpn01_port; stop() ends both processes."""

    def __init__(self, workdir, http01_port=None, tlsalpn01_port=None, always_valid=False, eab_keys=None,
                 nonce_reject=0):
        self.dir = workdir
        env = dict(os.environ)
        if http01_port:
            env["HTTP01_PORT"] = str(http01_port)
        if tlsalpn01_port:
            env["TLSALPN01_PORT"] = str(tlsalpn01_port)
        if always_valid:
            env["PEBBLE_VA_ALWAYS_VALID"] = "1"
        env["PEBBLE_WFE_NONCEREJECT"] = str(nonce_reject)
        out = subprocess.run([PEBBLE_UP, workdir], env=env, capture_output=True, text=True, timeout=60, check=True).stdout
        vars = dict(item.split("=", 1) for item in out.split())
        self.pids = [int(vars["PEBBLE_PID"]), int(vars["CHALLTEST_PID"])]
        self.directory = vars["ACME_DIRECTORY"]
        self.ca_file = vars["ACME_CA"]
        self.mgmt = vars["PEBBLE_MGMT"]
        self.root = vars["PEBBLE_ROOT"]
        self.http01_port = int(vars["HTTP01_PORT"])
        self.tlsalpn01_port = int(vars["TLSALPN01_PORT"])
        self.dns_port = int(vars["DNS_PORT"])
        if eab_keys:
            self._restart_with_eab(env, eab_keys)

    def _restart_with_eab(self, env, eab_keys):
        """pebble-up has no EAB switch: restart pebble on the same ports with EAB required."""
        _stop_pid(self.pids[0])
        conf_path = os.path.join(self.dir, "pebble.json")
        with open(conf_path) as f:
            conf = json.load(f)
        conf["pebble"]["externalAccountBindingRequired"] = True
        conf["pebble"]["externalAccountMACKeys"] = eab_keys
        with open(conf_path, "w") as f:
            json.dump(conf, f)
        log = open(os.path.join(self.dir, "pebble-eab.log"), "ab")
        proc = subprocess.Popen(["pebble", "-config", conf_path, "-dnsserver", f"127.0.0.1:{self.dns_port}"],
                                env={**env, "PEBBLE_VA_NOSLEEP": "1"}, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.pids[0] = proc.pid
        self._proc = proc
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            ok = subprocess.run(["curl", "-sf", "--cacert", self.ca_file, self.mgmt + "/roots/0", "-o", self.root]).returncode == 0 \
                and subprocess.run(["curl", "-sf", "--cacert", self.ca_file, self.directory, "-o", "/dev/null"]).returncode == 0
            if ok:
                return
            time.sleep(0.1)
        raise AssertionError("pebble with EAB did not come up")

    def intermediate(self):
        """The intermediate that signs leaves (fetched now: it is new on every start)."""
        return subprocess.run(["curl", "-sf", "--cacert", self.ca_file, self.mgmt + "/intermediates/0"],
                              capture_output=True, text=True, check=True).stdout

    def stop(self):
        for pid in self.pids:
            _stop_pid(pid)
        if getattr(self, "_proc", None):
            self._proc.wait(5)
