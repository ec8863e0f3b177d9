#!/usr/bin/env bash
# What the circuit breaker and the adaptive policy cost when nothing fails: two proxy-bench runs, each
# beside nginx, HAProxy and Caddy, whose candidate is ProxFlow as is, then ProxFlow with
# `circuit_breaker intelligent` and `lb_policy adaptive { update_interval 1s }` on its upstream.
# Compare the runs' candidate_vs_best_peer_rps_ratio (the machine is shared: ratios, not numbers).
# Extra arguments go to proxy-bench (e.g. --quick).
#   bench/resilience.sh > bench/results-$(date +%F-%H%M)-resilience.md
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${PROXY_BENCH:-$root/../shared/bench/proxy-bench}
binary=${PROXFLOW_BIN:-$root/build/app/proxflow}
[ -x "$binary" ] || { echo "bench: build first: $binary is missing" >&2; exit 2; }

echo "## proxflow, no circuit breaker, default policy"
"$bench" --candidate "$binary run --config {caddyfile}" --candidate-name proxflow "$@"
echo
echo "## proxflow with circuit_breaker intelligent and lb_policy adaptive"
"$bench" --candidate "$root/bench/resilience-candidate.sh $binary {caddyfile}" --candidate-name proxflow+resilience "$@"
