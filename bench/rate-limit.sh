#!/usr/bin/env bash
# What rate_limit costs when no client reaches its limit, and the same for nginx's limit_req: three
# proxy-bench runs, each beside nginx, HAProxy and Caddy without limits, whose candidate is in turn
# ProxFlow as is, ProxFlow with `rate_limit { rate 100000000 }` (key ip, token bucket), and nginx with
# `limit_req zone=… burst=100000000 nodelay` at `rate=100000000r/s`. Compare each run's
# candidate_vs_best_peer_rps_ratio (the machine is shared: ratios, not numbers). Extra arguments go to
# proxy-bench (e.g. --quick).
#   bench/rate-limit.sh > bench/results-$(date +%F-%H%M)-rate-limit.md
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${PROXY_BENCH:-$root/../shared/bench/proxy-bench}
binary=${PROXFLOW_BIN:-$root/build/app/proxflow}
[ -x "$binary" ] || { echo "bench: build first: $binary is missing" >&2; exit 2; }
here=$root/bench

echo "## proxflow, no rate_limit"
"$bench" --candidate "$binary run --config {caddyfile}" --candidate-name proxflow "$@"
echo
echo "## proxflow with rate_limit (key ip, never reached)"
"$bench" --candidate "$here/rate-limit-candidate.sh proxflow $binary {caddyfile}" --candidate-name proxflow+rate_limit "$@"
echo
echo "## nginx with limit_req (never reached)"
"$bench" --candidate "$here/rate-limit-candidate.sh nginx - {caddyfile}" --candidate-name nginx+limit_req "$@"
