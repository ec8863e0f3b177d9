#!/usr/bin/python3
"""Instructions per proxied request of nginx, HAProxy and ProxFlow, counted by callgrind.

Usage: bench/instructions-per-request.py PROXFLOW_BIN [REQUESTS] [PATH]

Unlike requests/s on a shared 2-core machine, an instruction count does not move with the load
around it, so it tells whether a change to the request path made it cheaper. Each proxy runs one
worker under `valgrind --tool=callgrind` in front of the same nginx backend; after a warm-up the
counters are zeroed, REQUESTS requests are sent with h2load over 8 keep-alive HTTP/1.1 connections,
and the dump's total Ir over REQUESTS is printed. Kernel work (system calls) is not counted.
With KEEP=1 in the environment the dumps are kept for callgrind_annotate; SITE_EXTRA adds its text to
ProxFlow's site block (e.g. a rate_limit, to count what it costs) and RP_EXTRA to its reverse_proxy
block (e.g. a circuit_breaker)."""
import os, re, shutil, socket, subprocess, sys, tempfile, time

BIN = os.path.abspath(sys.argv[1])
REQUESTS = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
PATH = sys.argv[3] if len(sys.argv) > 3 else "/"
WORK = tempfile.mkdtemp(prefix="proxflow-ipr-")
TEMPS = "".join(f" {k}_temp_path {WORK}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"process {proc.args[0]} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"port {port} not ready after {seconds}s")


def nginx_conf(name, server):
    user = "user root;\n" if os.geteuid() == 0 else ""
    path = f"{WORK}/{name}.conf"
    with open(path, "w") as f:
        f.write(f"{user}daemon off; master_process off; worker_processes 1; pid {WORK}/{name}.pid;\n"
                f"error_log {WORK}/{name}.err warn;\nevents {{ worker_connections 1024; }}\n"
                f"http {{ access_log off; keepalive_requests 1000000;\n{TEMPS}{server} }}\n")
    return path


def load(port, n):
    out = subprocess.run(["h2load", "--h1", "-n", str(n), "-c", "8", "-t", "1", f"http://127.0.0.1:{port}{PATH}"],
                         capture_output=True, text=True, timeout=600).stdout
    done = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded", out)
    if not done or int(done.group(2)) != n:
        raise SystemExit(f"h2load did not complete {n} requests:\n{out}")


def count(name, argv, port):
    out = f"{WORK}/{name}.callgrind"
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv],
                            stdout=subprocess.DEVNULL, stderr=open(f"{WORK}/{name}.valgrind", "w"))
    try:
        wait_port(port, proc)
        load(port, 500)  # warm-up: upstream connections, lazily built state
        subprocess.run(["callgrind_control", "-z", str(proc.pid)], check=True, capture_output=True)
        load(port, REQUESTS)
        subprocess.run(["callgrind_control", "-d", str(proc.pid)], check=True, capture_output=True)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    # The dump made after zeroing is the one with the highest suffix.
    dumps = sorted((p for p in os.listdir(WORK) if p.startswith(f"{name}.callgrind.")),
                   key=lambda p: int(p.rsplit(".", 1)[1].split("-")[0]))
    total = 0
    with open(f"{WORK}/{dumps[-1]}") as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                total = int(line.split()[1])
    return total / REQUESTS


backend_port = free_port()
with open(f"{WORK}/16k", "w") as f:
    f.write("x" * 16383 + "\n")
backend = subprocess.Popen(["nginx", "-c", nginx_conf("backend", f" server {{ listen 127.0.0.1:{backend_port};\n"
                            f"  location = / {{ return 200 \"{'x' * 99}\\n\"; }}\n"
                            f"  location = /16k {{ root {WORK}; }} }}\n")])
try:
    wait_port(backend_port, backend)
    results = {}
    port = free_port()
    results["nginx"] = count("nginx", ["nginx", "-c", nginx_conf("nginx", (
        f" upstream backend {{ server 127.0.0.1:{backend_port}; keepalive 16; }}\n"
        f" server {{ listen 127.0.0.1:{port}; location / {{ proxy_pass http://backend; proxy_http_version 1.1;\n"
        "   proxy_set_header Connection \"\"; } }\n"))], port)
    if shutil.which("haproxy"):
        port = free_port()
        cfg = f"{WORK}/haproxy.cfg"
        with open(cfg, "w") as f:
            f.write(f"global\n nbthread 1\ndefaults\n mode http\n http-reuse always\n timeout connect 5s\n"
                    f" timeout client 30s\n timeout server 30s\nfrontend fe\n bind 127.0.0.1:{port}\n"
                    f" default_backend be\nbackend be\n server b 127.0.0.1:{backend_port}\n")
        results["haproxy"] = count("haproxy", ["haproxy", "-db", "-f", cfg], port)
    port = free_port()
    caddyfile = f"{WORK}/Caddyfile"
    rp_block = f" {{\n{os.environ['RP_EXTRA']}\t}}" if os.environ.get("RP_EXTRA") else ""
    with open(caddyfile, "w") as f:
        f.write(f"{{\n\tadmin off\n\tauto_https off\n}}\n\nhttp://127.0.0.1:{port} {{\n\tbind 127.0.0.1\n"
                f"{os.environ.get('SITE_EXTRA', '')}\treverse_proxy 127.0.0.1:{backend_port}{rp_block}\n}}\n")
    results["proxflow"] = count("proxflow", [BIN, "run", "--config", caddyfile, "--threads", "1"], port)
    print(f"instructions per request (callgrind Ir, user space), GET {PATH}, {REQUESTS} requests:")
    print("| proxy | Ir per request | vs nginx |\n|---|---:|---:|")
    for name, ir in results.items():
        print(f"| {name} | {ir:,.0f} | {ir / results['nginx']:.2f} |")
finally:
    backend.terminate()
    backend.wait(timeout=30)
    if os.environ.get("KEEP"):
        print(f"callgrind dumps kept in {WORK} (callgrind_annotate them)")
    else:
        shutil.rmtree(WORK, ignore_errors=True)
