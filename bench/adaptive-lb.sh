#!/usr/bin/env bash
# round_robin, least_conn and adaptive (update_interval 1s) in front of the same three backends, in one
# run: throughput, p50 and p99 (wrk -t2 -c$CONNS -d$SECONDS_PER_CELL --latency), and the share of requests the
# slow backend got. The backends are tests/integration/backends/switchable.py with a fixed capacity:
# WORKERS requests served at a time, each taking FAST_MS (or SLOW_MS = 5 x FAST_MS), the rest queued, so
# a backend sent more than it can serve answers later and later, as a real one does.
#   slow-backend: b3 is 5x slower for the whole run.
#   turns-slow:   all three fast; b3 turns 5x slower SECONDS_PER_CELL/3 into the measured run.
# Each cell: a fresh proxflow (2 threads), a 2 s wrk warm-up (all backends as at the cell's start), then
# the measured run. ROUNDS rounds alternate over the policies; the table shows medians.
#   bench/adaptive-lb.sh > bench/results-$(date +%F-%H%M)-adaptive-lb.md
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${PROXFLOW_BIN:-$root/build/app/proxflow}
[ -x "$binary" ] || { echo "bench: build first: $binary is missing" >&2; exit 2; }
SECONDS_PER_CELL=${SECONDS_PER_CELL:-12}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-16}
WORKERS=${WORKERS:-4}
FAST_MS=${FAST_MS:-10}
SLOW_MS=$((FAST_MS * 5))
POLICIES=(round_robin least_conn adaptive)
. "$root/bench/fixture.sh" adaptive-lb

backend_ports=($base_port $((base_port + 1)) $((base_port + 2)))
proxy_port=$((base_port + 3))
for i in 0 1 2; do
    /usr/bin/python3 "$root/tests/integration/backends/switchable.py" "${backend_ports[$i]}" "b$((i + 1))" \
        --mode slow --delay-ms "$FAST_MS" --workers "$WORKERS" > "$work/b$((i + 1)).log" 2>&1 &
    pids+=($!)
done
for p in "${backend_ports[@]}"; do wait_port "$p"; done

set_delay() { # PORT MS
    curl -sf -X POST "http://127.0.0.1:$1/__mode" -d "{\"mode\":\"slow\",\"delay_ms\":$2,\"workers\":$WORKERS}" -o /dev/null
}
requests_of() { curl -sf "http://127.0.0.1:$1/__stats" | sed 's/.*"requests": \([0-9]*\).*/\1/'; }
reset_all() { for p in "${backend_ports[@]}"; do curl -sf -X POST "http://127.0.0.1:$p/__reset" -o /dev/null; done; }

start_proxy() { # POLICY
    local block="lb_policy $1"
    [ "$1" = adaptive ] && block=$'lb_policy adaptive {\n\t\t\tupdate_interval 1s\n\t\t}'
    printf '{\n\tadmin off\n\tauto_https off\n}\nhttp://127.0.0.1:%s {\n\tbind 127.0.0.1\n\treverse_proxy 127.0.0.1:%s 127.0.0.1:%s 127.0.0.1:%s {\n\t\t%s\n\t}\n}\n' \
        "$proxy_port" "${backend_ports[@]}" "$block" > "$work/Caddyfile"
    "$binary" run --config "$work/Caddyfile" --adapter caddyfile --threads 2 > "$work/proxflow-$1.log" 2>&1 &
    proxy_pid=$!
    wait_port "$proxy_port"
}
stop_proxy() { kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true; }

# wrk's "Requests/sec" and, from latency-percentiles.lua, "requests p10 p50 p90 p99" (ms).
run_cell() { # SCENARIO POLICY: prints "rps p50 p99 slow_share errors"
    local scenario=$1 policy=$2 out=$work/wrk.out
    set_delay "${backend_ports[2]}" $([ "$scenario" = slow-backend ] && echo "$SLOW_MS" || echo "$FAST_MS")
    start_proxy "$policy"
    wrk -t2 -c"$CONNS" -d2s "http://127.0.0.1:$proxy_port/" > /dev/null
    reset_all
    if [ "$scenario" = turns-slow ]; then
        (sleep $((SECONDS_PER_CELL / 3)); set_delay "${backend_ports[2]}" "$SLOW_MS") &
        local switcher=$!
    fi
    wrk -t2 -c"$CONNS" -d"${SECONDS_PER_CELL}s" --latency -s "$root/bench/latency-percentiles.lua" \
        "http://127.0.0.1:$proxy_port/" > "$out"
    [ "$scenario" = turns-slow ] && wait "$switcher"
    stop_proxy
    local rps errors total slow
    rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$out")
    errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i}
                  END {print n + 0}' "$out")
    read -r _ _ p50 _ p99 < <(tail -1 "$out")
    total=0; for p in "${backend_ports[@]}"; do total=$((total + $(requests_of "$p"))); done
    slow=$(requests_of "${backend_ports[2]}")
    echo "$rps $p50 $p99 $(awk -v s="$slow" -v t="$total" 'BEGIN {printf "%.3f", t ? s / t : 0}') $errors"
}

echo "# adaptive-lb $(date -u '+%F %H:%M') UTC: $(nproc) cores, proxflow --threads 2, wrk -t2 -c$CONNS -d${SECONDS_PER_CELL}s --latency, 2 s warm-up per cell, $ROUNDS round(s), medians"
echo
echo "command: \`bench/adaptive-lb.sh\` (SECONDS_PER_CELL=$SECONDS_PER_CELL ROUNDS=$ROUNDS CONNS=$CONNS WORKERS=$WORKERS FAST_MS=$FAST_MS)  "
echo "binary: \`$binary\`, tree at $(git -C "$root" rev-parse --short HEAD) with $(git -C "$root" status --porcelain -- engine | wc -l) engine file(s) changed since  "
echo "backends: 3 x switchable.py, $WORKERS requests at a time each, ${FAST_MS} ms per request; the slow one ${SLOW_MS} ms  "
echo
for scenario in slow-backend turns-slow; do
    declare -A cells=()
    for round in $(seq "$ROUNDS"); do
        for policy in "${POLICIES[@]}"; do
            cell=$(run_cell "$scenario" "$policy")
            cells[$policy]+="$cell"$'\n'
            echo "$scenario round $round $policy: rps p50 p99 share errors = $cell" >&2
        done
    done
    echo "### $scenario"
    echo
    echo "| policy | rps (median) | p50 ms | p99 ms | slow backend's share | errors | rounds (rps / p99) |"
    echo "|---|---:|---:|---:|---:|---:|---|"
    for policy in "${POLICIES[@]}"; do
        # Median row by rps; p50, p99 and share are medians of their own columns.
        printf '%s' "${cells[$policy]}" | sed '/^$/d' | awk -v policy="$policy" '
            { rps[NR] = $1; p50[NR] = $2; p99[NR] = $3; share[NR] = $4; err += $5; each = each sprintf("%s%d / %.1f", NR > 1 ? ", " : "", $1, $3) }
            function median(a, n,   i, j, t, b) { for (i = 1; i <= n; i++) b[i] = a[i]
                for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
                return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2 }
            END { printf "| %s | %d | %.2f | %.2f | %.3f | %d | %s |\n", policy, median(rps, NR), median(p50, NR), median(p99, NR), median(share, NR), err, each }'
    done
    echo
    unset cells
done
