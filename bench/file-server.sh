#!/usr/bin/env bash
# Static file serving, side by side in one run: nginx, Caddy and ProxFlow each serve the same ~1 KiB
# file from the same folder on 127.0.0.1 and wrk loads them in turn (2 threads, 64 connections, a
# warm-up, then a measured run; rounds alternate over the servers and the medians are printed).
# Caddy and ProxFlow read the same Caddyfile (root + file_server); nginx serves the folder with its
# defaults plus two workers. Every process is started in its own session and stopped by PID.
#   bench/file-server.sh [PROXFLOW_BIN] [ROUNDS] [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=$(realpath "${1:-$root/build/app/proxflow}")
rounds=${2:-3}
seconds=${3:-5}
. "$root/bench/fixture.sh" file-server
nginx_port=$base_port; caddy_port=$((base_port + 1)); proxflow_port=$((base_port + 2))

mkdir -p "$work/www" "$work/home"
head -c 1024 /dev/urandom | base64 -w 64 | head -c 1024 > "$work/www/file.txt"
nginx_conf nginx "$work/nginx.pid" "server { listen 127.0.0.1:$nginx_port backlog=4096; location / { root $work/www; } }"
site() { # PORT: a Caddyfile serving $work/www on 127.0.0.1:PORT
    printf '{\n\tadmin off\n\tauto_https off\n}\nhttp://127.0.0.1:%s {\n\tbind 127.0.0.1\n\troot * %s\n\tfile_server\n}\n' "$1" "$work/www"
}
site "$caddy_port" > "$work/caddy.caddyfile"
site "$proxflow_port" > "$work/proxflow.caddyfile"
url() { echo "http://127.0.0.1:$1/file.txt"; }
wait_file() { for _ in $(seq 100); do curl -sf "$(url "$1")" -o /dev/null && return 0; sleep 0.1; done; echo "port $1 not serving" >&2; exit 1; }

start() { # NAME: starts the server, prints its PID
    case $1 in
    nginx) setsid nginx -c "$work/nginx.conf" -p "$work" > "$work/nginx.log" 2>&1 & ;;
    caddy) HOME=$work/home XDG_DATA_HOME=$work/home XDG_CONFIG_HOME=$work/home \
        setsid caddy run --config "$work/caddy.caddyfile" --adapter caddyfile > "$work/caddy.log" 2>&1 & ;;
    proxflow) setsid "$binary" run --config "$work/proxflow.caddyfile" --adapter caddyfile > "$work/proxflow.log" 2>&1 & ;;
    esac
    echo $!
}
port_of() { case $1 in nginx) echo "$nginx_port" ;; caddy) echo "$caddy_port" ;; proxflow) echo "$proxflow_port" ;; esac; }

declare -A rps p99s
for round in $(seq "$rounds"); do
    for name in nginx caddy proxflow; do
        pid=$(start "$name"); pids+=("$pid")
        port=$(port_of "$name")
        wait_file "$port"
        cmp -s <(curl -s "$(url "$port")") "$work/www/file.txt" || { echo "$name served a different body" >&2; exit 1; }
        setsid wrk -t 2 -c 64 -d 1s "$(url "$port")" > /dev/null
        read -r requests _ _ _ p99 < <(setsid wrk -t 2 -c 64 -d "${seconds}s" -s "$root/bench/latency-percentiles.lua" "$(url "$port")" | tail -1)
        rps[$name]+="$(awk -v r="$requests" -v s="$seconds" 'BEGIN {printf "%.0f", r / s}') "
        p99s[$name]+="$p99 "
        kill "$pid"
        # started from a subshell, so not ours to wait for: poll until it is gone (at most 5 s)
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        echo "round $round: $name $(echo "${rps[$name]}" | awk '{print $NF}') req/s" >&2
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "| server | requests/s (median of $rounds x ${seconds}s) | p99 ms | ProxFlow ÷ server (req/s) |"
echo "|---|---:|---:|---:|"
pf=$(echo "${rps[proxflow]}" | median)
for name in nginx caddy proxflow; do
    r=$(echo "${rps[$name]}" | median); p=$(echo "${p99s[$name]}" | median)
    awk -v n="$name" -v r="$r" -v p="$p" -v pf="$pf" 'BEGIN {printf "| %s | %.0f | %.2f | %.2f |\n", n, r, p, pf / r}'
done
