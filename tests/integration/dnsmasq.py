"""Debian's dnsmasq as a test DNS server on a free UDP port of 127.0.0.1: names from a hosts file it
re-reads on SIGHUP, other records (SRV) from extra config lines, every query logged. Started and
stopped by PID through the test's Processes."""
import os
import signal
import socket
import subprocess

from harness import wait_until


def _udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dnsmasq:
    def __init__(self, procs, workdir, hosts, extra_lines=()):
        self.hosts_file = os.path.join(workdir, "hosts")
        self.write_hosts(hosts)
        # The port is free when picked but may be taken before dnsmasq binds it (tests run in
        # parallel); dnsmasq then exits at once and another port is tried.
        for attempt in range(3):
            self.port = _udp_port()
            conf = os.path.join(workdir, f"dnsmasq{attempt}.conf")
            with open(conf, "w") as f:
                f.write("\n".join([f"port={self.port}", "listen-address=127.0.0.1", "bind-interfaces", "no-resolv",
                                   "no-hosts", "no-poll", "pid-file=", "user=", "local=/svc.test/", "local-ttl=0",
                                   "log-queries", f"addn-hosts={self.hosts_file}", *extra_lines]) + "\n")
            self.proc = procs.start(f"dnsmasq{attempt}", ["dnsmasq", "--keep-in-foreground", f"--conf-file={conf}",
                                                          "--log-facility=-"])
            wait_until(lambda: self.proc.poll() is not None or self.dig("ready.svc.test") is not None,
                       timeout=20, what="dnsmasq answering")
            if self.proc.poll() is None:
                return
        with open(self.proc.log_path, errors="replace") as log:
            raise AssertionError(f"dnsmasq exited with {self.proc.returncode}: {log.read()[-500:]}")

    def resolver(self, scheme=""):
        return {"addresses": [f"{scheme}127.0.0.1:{self.port}"]}

    def dig(self, name, kind="A"):
        """The +short answer ("" when the name has no such record), or None when dnsmasq did not answer.
        Tests count queries by name, so readiness asks for a name no test uses."""
        r = subprocess.run(["dig", "+short", "+time=1", "+tries=1", "@127.0.0.1", "-p", str(self.port), kind, name],
                           capture_output=True, text=True, timeout=5)
        return r.stdout if r.returncode == 0 else None

    def write_hosts(self, lines):
        with open(self.hosts_file, "w") as f:
            f.write("\n".join(lines) + "\n")

    def change_hosts(self, lines):
        """Rewrites the hosts file and waits until dnsmasq answers its first line."""
        self.write_hosts(lines)
        self.proc.send_signal(signal.SIGHUP)
        address, name = lines[0].split()[:2]
        wait_until(lambda: address in (self.dig(name, "AAAA" if ":" in address else "A") or ""), what="dnsmasq re-read")
