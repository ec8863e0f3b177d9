#!/usr/bin/env bash
# CPU time (user and system apart), context switches and wrk's latency percentiles per proxied
# request of nginx and HAProxy (as proxy-bench configures them) and ProxFlow, each with 2 workers in
# front of the same 2-worker nginx backend, measured in turn. Context switches: voluntary ones are
# waits for events, involuntary ones preemptions by the scheduler, where a loaded worker's tail
# latency grows.
#   bench/cpu-per-request.sh [PROXFLOW_BIN] [ROUNDS]
# requests/s on the shared 2-core machine swings ±25 % with its neighbours; CPU time consumed per
# request moves far less, and unlike callgrind's instruction count it includes the kernel's share
# and the cost of cache misses. Every process is started in its own session, as proxy-bench does
# (each is then its own scheduler autogroup), and stopped by PID.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=$(realpath "${1:-$root/build/app/proxflow}")
rounds=${2:-3}
. "$root/bench/fixture.sh" cpr
backend=$base_port; nginx_port=$((base_port + 1)); proxflow_port=$((base_port + 2))
body=$(printf '%0100d' 0)
nginx_conf backend "$work/backend.pid" "server { listen 127.0.0.1:$backend backlog=4096; location = / { default_type text/plain; return 200 \"$body\"; } }"
nginx_conf proxy "$work/proxy.pid" "upstream backend { server 127.0.0.1:$backend; keepalive 64; keepalive_requests 1000000; }
server { listen 127.0.0.1:$nginx_port backlog=4096; location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"
proxy_caddyfile "$proxflow_port" "$backend"

# user and system clock ticks, voluntary and involuntary context switches of the given processes and
# all their threads
counters() {
    for pid in "$@"; do cat /proc/"$pid"/task/*/stat; done | awk '{u += $14; s += $15} END {printf "%d %d ", u, s}'
    for pid in "$@"; do cat /proc/"$pid"/task/*/status; done |
        awk '/^voluntary_ctxt/ {v += $2} /^nonvoluntary_ctxt/ {n += $2} END {print v, n}'
}
measure() { # NAME PORT PID...
    local name=$1 port=$2; shift 2
    setsid wrk -c 64 -t 2 -d 2s "http://127.0.0.1:$port/" > /dev/null
    read -r u0 s0 v0 n0 < <(counters "$@")
    local requests p10 p50 p90 p99
    read -r requests p10 p50 p90 p99 < <(setsid wrk -c 64 -t 2 -d 6s -s "$root/bench/latency-percentiles.lua" \
        "http://127.0.0.1:$port/" | tail -1)
    read -r u1 s1 v1 n1 < <(counters "$@")
    awk -v n="$name" -v r="$requests" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v hz="$(getconf CLK_TCK)" \
        -v v=$((v1 - v0)) -v i=$((n1 - n0)) -v p="$p10 / $p50 / $p90 / $p99" 'BEGIN {printf "| %s | %d | %s | %.2f | %.2f | %.2f | %.1f | %.1f |\n",
        n, r, p, u * 1e6 / hz / r, s * 1e6 / hz / r, (u + s) * 1e6 / hz / r, v * 1000 / r, i * 1000 / r}'
}

setsid nginx -c "$work/backend.conf" -p "$work" & pids+=($!)
wait_port "$backend"
echo "| proxy | requests in 6 s | p10 / p50 / p90 / p99 ms | user µs/request | system µs/request | total µs/request | waits per 1000 requests | preemptions per 1000 requests |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for _ in $(seq "$rounds"); do
    setsid nginx -c "$work/proxy.conf" -p "$work" & proxy=$!
    wait_port "$nginx_port"
    measure nginx "$nginx_port" $(pgrep -P "$proxy")
    kill "$proxy"; wait "$proxy" 2>/dev/null || true
    # HAProxy as proxy-bench configures it, on the port of the Caddyfile (it runs alone, in turn)
    setsid "$root/bench/haproxy-as-candidate.sh" "$work/Caddyfile" > "$work/haproxy.log" 2>&1 & proxy=$!
    wait_port "$proxflow_port"
    measure haproxy "$proxflow_port" "$proxy"
    kill "$proxy"; wait "$proxy" 2>/dev/null || true
    setsid "$binary" run --config "$work/Caddyfile" > "$work/proxflow.log" 2>&1 & proxflow=$!
    wait_port "$proxflow_port"
    measure proxflow "$proxflow_port" "$proxflow"
    kill "$proxflow"; wait "$proxflow" 2>/dev/null || true
done
