#!/usr/bin/python3
"""rps and CPU time per request of two proxflow instances side by side, metrics on and off, same nginx.

argv: PROXFLOW_BIN WORKDIR [ROUNDS]. Each round runs `wrk -c 64 -t 2 -d 5s` against one instance, then
the other (the order swaps every round), and reads the instance's utime + stime from /proc/PID/stat
before and after: CPU µs per request served is far less disturbed by other load than rps is."""
import json, os, re, socket, statistics, subprocess, sys, time

from proxy_config import proxy_config

BIN, WORK = sys.argv[1], sys.argv[2]
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 10
os.makedirs(WORK, exist_ok=True)
TICK = os.sysconf("SC_CLK_TCK")

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def wait_port(port, proc):
    for _ in range(300):
        assert proc.poll() is None
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close(); return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"port {port} not ready")

def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK

backend = free_port()
with open(f"{WORK}/nginx.conf", "w") as f:
    f.write(f"""daemon off; worker_processes 1; pid {WORK}/nginx.pid; error_log {WORK}/nginx.err;
events {{}}
http {{ access_log off; client_body_temp_path {WORK}; proxy_temp_path {WORK}; fastcgi_temp_path {WORK};
  uwsgi_temp_path {WORK}; scgi_temp_path {WORK}; keepalive_requests 1000000;
  server {{ listen 127.0.0.1:{backend}; location / {{ return 200 "{'x' * 99}\\n"; }} }} }}
""")
procs = [subprocess.Popen(["nginx", "-p", WORK, "-c", f"{WORK}/nginx.conf"])]
wait_port(backend, procs[0])
instances = {}
try:
    for mode in ("on", "off"):
        port = free_port()
        config = proxy_config(port, backend, mode)
        json.dump(config, open(f"{WORK}/{mode}.json", "w"))
        p = subprocess.Popen([BIN, "run", "--config", f"{WORK}/{mode}.json", "--threads", "2"],
                             stderr=open(f"{WORK}/{mode}.log", "w"))
        procs.append(p)
        wait_port(port, p)
        instances[mode] = (port, p)
    results = {"on": [], "off": []}
    for r in range(ROUNDS):
        for mode in (("on", "off") if r % 2 == 0 else ("off", "on")):
            port, p = instances[mode]
            before = cpu_seconds(p.pid)
            out = subprocess.run(["wrk", "-c", "64", "-t", "2", "-d", "5s", f"http://127.0.0.1:{port}/"],
                                 capture_output=True, text=True, check=True).stdout
            cpu = cpu_seconds(p.pid) - before
            requests = int(re.search(r"(\d+) requests in", out).group(1))
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            results[mode].append((rps, cpu * 1e6 / requests))
            print(f"round {r + 1} metrics {mode}: {rps:.0f} rps, {cpu * 1e6 / requests:.2f} CPU µs per request", flush=True)
    for mode in ("on", "off"):
        rps = [x for x, _ in results[mode]]
        cpu = [y for _, y in results[mode]]
        print(f"metrics {mode}: rps median {statistics.median(rps):.0f} (range {min(rps):.0f} - {max(rps):.0f}), "
              f"CPU µs per request median {statistics.median(cpu):.2f}")
    on_cpu = statistics.median(y for _, y in results["on"])
    off_cpu = statistics.median(y for _, y in results["off"])
    ratios = sorted(a[0] / b[0] for a, b in zip(results["on"], results["off"]))
    print(f"CPU per request on/off: {100 * (on_cpu / off_cpu - 1):+.2f} %; paired rps on/off: median "
          f"{statistics.median(ratios):.3f}, range {ratios[0]:.3f} - {ratios[-1]:.3f}")
finally:
    for p in procs:
        p.terminate(); p.wait()
