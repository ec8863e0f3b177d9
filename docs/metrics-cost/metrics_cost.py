#!/usr/bin/python3
"""Instructions per request of proxflow with traffic metrics on and off, under callgrind.

argv: PROXFLOW_BIN WORKDIR. Starts one nginx (GET / -> 100 bytes) and, for each mode and each count
N in (N1, N2), proxflow under `valgrind --tool=callgrind` with that config, sends exactly N keep-alive
GET / requests from one python client, stops proxflow with SIGTERM and reads the instruction total
(summary line; CALLGRIND_ARGS="--cache-sim=yes" adds cache misses). Instructions per request = (Ir(N2) - Ir(N1)) / (N2 - N1): start-up and shut-down cancel."""
import http.client, json, os, signal, socket, subprocess, sys, time

from proxy_config import proxy_config

BIN, WORK = sys.argv[1], sys.argv[2]
N1, N2 = int(os.environ.get("N1", 2000)), int(os.environ.get("N2", 12000))
os.makedirs(WORK, exist_ok=True)

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def wait_port(port, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "exited"
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close(); return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"port {port} not ready")

backend = free_port()
with open(f"{WORK}/nginx.conf", "w") as f:
    f.write(f"""daemon off; worker_processes 1; pid {WORK}/nginx.pid; error_log {WORK}/nginx.err;
events {{}}
http {{ access_log off; client_body_temp_path {WORK}; proxy_temp_path {WORK}; fastcgi_temp_path {WORK};
  uwsgi_temp_path {WORK}; scgi_temp_path {WORK};
  server {{ listen 127.0.0.1:{backend}; location / {{ return 200 "{'x' * 99}\\n"; }} }} }}
""")
nginx = subprocess.Popen(["nginx", "-p", WORK, "-c", f"{WORK}/nginx.conf"])
wait_port(backend, nginx)

def run(mode, n):
    port = free_port()
    config = proxy_config(port, backend, mode)
    path = f"{WORK}/{mode}.json"
    json.dump(config, open(path, "w"))
    out = f"{WORK}/callgrind.{mode}.{n}"
    extra = os.environ.get("CALLGRIND_ARGS", "").split()
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", *extra, f"--callgrind-out-file={out}", BIN, "run",
                             "--config", path, "--threads", "2"], stderr=open(f"{out}.log", "w"))
    try:
        wait_port(port, proc)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(n):
            conn.request("GET", "/")
            res = conn.getresponse()
            assert res.status == 200 and len(res.read()) == 100
        conn.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(120)
    # The readiness probe is one more connection (no request); the same in every run.
    events = None
    for line in open(out):
        if line.startswith("events:"):
            events = line.split()[1:]
        if line.startswith("summary:") or line.startswith("totals:"):
            return dict(zip(events, map(int, line.split()[1:])))
    raise SystemExit(f"no totals in {out}")

try:
    results = {}
    for mode in ("on", "off"):
        a, b = run(mode, N1), run(mode, N2)
        results[mode] = {e: (b[e] - a[e]) / (N2 - N1) for e in a}
        print(f"metrics {mode}: Ir({N1}) = {a['Ir']}, Ir({N2}) = {b['Ir']}; per request: "
              + ", ".join(f"{e} {v:.1f}" for e, v in results[mode].items()), flush=True)
    for e in results["on"]:
        on, off = results["on"][e], results["off"][e]
        print(f"metrics cost, {e}: {on - off:+.1f} per request" + (f" ({100 * (on / off - 1):+.2f} %)" if off else ""))
finally:
    nginx.terminate(); nginx.wait()
