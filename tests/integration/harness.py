"""Shared pieces of the integration tests: free ports, processes tracked by PID, real backends.

Every process a test starts is registered with a Processes instance and stopped by its PID
(SIGTERM, then SIGKILL) when the test ends; everything binds to 127.0.0.1 only.
"""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

PROXFLOW = os.environ.get("PROXFLOW_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "app", "proxflow")
PYTHON = "/usr/bin/python3"
BACKENDS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "backends")


_ports_given = set()


def free_port():
    """A TCP port on 127.0.0.1 that nothing uses right now, below the kernel's ephemeral range: a port
    from that range (what binding port 0 gives) can become the local end of some other test's
    outgoing connection before the server meant for it binds it, and that server then fails."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low = int(f.read().split()[0])
    for _ in range(200):
        port = random.randrange(10000, max(10001, low))
        if port in _ports_given:  # handed out already, perhaps not bound yet
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            _ports_given.add(port)
            return port
    raise RuntimeError("no free port below the ephemeral range")


def wait_until(predicate, timeout=10.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception as e:  # the thing waited for may not be up yet
            last_error = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last error: {last_error})")


def needs_programs(*programs, why):
    """Class decorator for a test case that drives peer programs (caddy, dnsmasq, ...). When one is not
    on PATH the case is skipped on a developer machine; under CI=true, where every peer is installed on
    purpose, its setUpClass fails instead, so CI cannot pass by skipping."""
    missing = [p for p in programs if shutil.which(p) is None]

    def decorate(cls):
        if not missing:
            return cls
        message = f"{', '.join(missing)} not installed: {why}"
        if os.environ.get("CI") != "true":
            return unittest.skip(message)(cls)

        def fail(klass):
            raise AssertionError(message + " (CI=true: a missing peer fails)")
        cls.setUpClass = classmethod(fail)
        return cls
    return decorate


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def http(method, url, body=None, headers=None, timeout=10):
    """One request with urllib; returns (status, headers, body bytes) without raising on 4xx/5xx."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, dict(res.headers), res.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class Processes:
    """Starts processes in their own session and stops each by its PID."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.running = []

    def start(self, name, argv, env=None, cwd=None):
        log = open(os.path.join(self.workdir, name + ".log"), "ab")
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, cwd=cwd or self.workdir, start_new_session=True)
        proc.log_path = log.name
        log.close()
        self.running.append(proc)
        return proc

    def stop(self, proc, sig=signal.SIGTERM, timeout=10):
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc in self.running:
            self.running.remove(proc)
        return proc.returncode

    def stop_all(self):
        for proc in list(reversed(self.running)):
            self.stop(proc)


def peak_rss_kib(pid):
    """The process's peak resident memory (VmHWM), in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


def log_of(proc):
    with open(proc.log_path, "rb") as f:
        return f.read().decode(errors="replace")


class ProxyTestCase(unittest.TestCase):
    """A test case with a temporary folder, tracked processes and helpers to start peers."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="proxflow-it-")
        self.procs = Processes(self.tmp)
        # Cleanups run even when a subclass's setUp fails after starting processes (tearDown
        # would not), so nothing outlives its test.
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.addCleanup(self.procs.stop_all)

    # --- backends -------------------------------------------------------------------------------
    def start_backend(self, name, *args, port=None):
        """A python3 backend from tests/integration/backends/NAME.py; waits until it accepts."""
        port = port or free_port()
        proc = self.procs.start(f"backend-{name}-{port}", [PYTHON, os.path.join(BACKENDS, name + ".py"), str(port), *args])
        wait_until(lambda: port_open(port), what=f"backend {name} on {port}")
        proc.port = port
        return proc

    def start_nginx(self, body="nginx backend\n", port=None):
        """Debian's nginx as a backend answering GET / with body and GET /big with a 16 KiB file."""
        port = port or free_port()
        prefix = nginx_prefix(self.tmp)
        with open(os.path.join(prefix, "www", "big"), "wb") as f:
            f.write(b"x" * 16384)
        proc = start_nginx_with(self.procs, prefix, port, f"""
  server {{
    listen 127.0.0.1:{port};
    location = / {{ return 200 {json.dumps(body)}; }}
    location / {{ root {prefix}/www; }}
  }}""")
        proc.www = os.path.join(prefix, "www")
        return proc

    # --- proxflow -------------------------------------------------------------------------------
    def start_proxflow(self, config, *, caddyfile=False, extra_args=(), wait_port=None, name="proxflow", threads=None,
                       wrapper=()):
        """Writes config (dict -> JSON, str -> Caddyfile) and runs `proxflow run` (under wrapper, a command
        prefix such as prlimit's, when given); waits for wait_port."""
        path = os.path.join(self.tmp, f"{name}.{'caddyfile' if caddyfile else 'json'}")
        with open(path, "w") as f:
            f.write(config if isinstance(config, str) else json.dumps(config))
        argv = [*wrapper, PROXFLOW, "run", "--config", path]
        if caddyfile:
            argv += ["--adapter", "caddyfile"]
        if threads:
            argv += ["--threads", str(threads)]
        proc = self.procs.start(name, argv + list(extra_args))
        proc.config_path = path
        if wait_port:
            # One that exits (its port taken meanwhile by another test's connection, say) says why at once.
            try:
                wait_until(lambda: proc.poll() is not None or port_open(wait_port), what=f"{name} on {wait_port}")
            except AssertionError as e:
                raise AssertionError(f"{e}\n{name}'s log:\n{log_of(proc)}") from None
            if proc.poll() is not None:
                raise AssertionError(f"{name} exited with {proc.returncode} before listening on {wait_port}:\n{log_of(proc)}")
        return proc

    def run_proxflow(self, *args, timeout=30, cwd=None, env=None):
        """Runs a proxflow subcommand to completion; returns CompletedProcess with text output."""
        return subprocess.run([PROXFLOW, *args], capture_output=True, text=True, timeout=timeout,
                              cwd=cwd or self.tmp, env=env)


def nginx_prefix(workdir):
    """A fresh nginx prefix under workdir with the folders its configuration below uses."""
    prefix = tempfile.mkdtemp(dir=workdir, prefix="nginx-")
    for d in ("logs", "client_body", "proxy", "fastcgi", "uwsgi", "scgi", "www"):
        os.makedirs(os.path.join(prefix, d), exist_ok=True)
    return prefix


def start_nginx_with(procs, prefix, port, http_block):
    """Debian's nginx in prefix, with http_block inside its http {}; waits until GET / on port answers 200."""
    # As root, workers would drop to nobody and could not read the private temporary folder.
    user = "user root;" if os.geteuid() == 0 else ""
    conf = f"""
{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/client_body; proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi; uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
{http_block}
}}
"""
    path = os.path.join(prefix, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    proc = procs.start(f"nginx-{port}", ["nginx", "-p", prefix, "-c", path, "-g", "daemon off;"])
    wait_until(lambda: http("GET", f"http://127.0.0.1:{port}/")[0] == 200, what=f"nginx on {port}")
    proc.port = port
    return proc


def proxy_config(port, handlers, *, admin_port=None, routes=None, server_extra=None, top_extra=None):
    """A native JSON config with one server on 127.0.0.1:port; admin off unless admin_port is given."""
    server = {"listen": [f"127.0.0.1:{port}"], "routes": routes if routes is not None else [{"handle": handlers}]}
    server.update(server_extra or {})
    config = {"admin": {"listen": f"127.0.0.1:{admin_port}"} if admin_port else {"disabled": True},
              "apps": {"http": {"servers": {"srv0": server}}}}
    config.update(top_extra or {})
    return config


def reverse_proxy(*ports, **options):
    handler = {"handler": "reverse_proxy", "upstreams": [{"dial": f"127.0.0.1:{p}"} for p in ports]}
    handler.update(options)
    return handler
